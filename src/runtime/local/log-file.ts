/**
 * A replica's log file with a size cap: when the next line would pass `maxBytes`, the file is
 * renamed to `<name>.1` (replacing an older one) and a fresh file starts, so a replica uses at
 * most twice the cap on disk. The file descriptor is opened synchronously, so a rename never
 * races a pending open; writes already queued on the old descriptor still land in `.1`, where
 * they belong. Writes are asynchronous and their queue is bounded: past `maxPendingBytes` lines
 * are dropped and counted, and the count is written once the disk catches up.
 */
import { closeSync, createWriteStream, mkdirSync, openSync, renameSync, statSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../../kit/log.js";

export interface LogFileOptions {
  /** Size before rotation, bytes. */
  maxBytes: number;
  /** Queued bytes not yet written past which lines are dropped. Default 1 MiB. */
  maxPendingBytes?: number;
  log: Logger;
}

export class CappedLogFile {
  readonly path: string;
  #maxBytes: number;
  #maxPendingBytes: number;
  #log: Logger;
  #stream: WriteStream | null = null;
  #size = 0;
  #dropped = 0;
  #closed = false;

  constructor(path: string, opts: LogFileOptions) {
    this.path = path;
    this.#maxBytes = opts.maxBytes;
    this.#maxPendingBytes = opts.maxPendingBytes ?? 1024 * 1024;
    this.#log = opts.log;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#size = sizeOf(path);
      this.#open();
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Appends one line (a newline is added). Ignored after close or a write error. */
  write(line: string): void {
    const stream = this.#stream;
    if (!stream || this.#closed) return;
    if (stream.writableLength > this.#maxPendingBytes) {
      this.#dropped++;
      return;
    }
    let text = line + "\n";
    if (this.#dropped > 0) {
      text = `[${this.#dropped} lines dropped: the disk was too slow]\n` + text;
      this.#dropped = 0;
    }
    const bytes = Buffer.byteLength(text);
    if (this.#size > 0 && this.#size + bytes > this.#maxBytes) this.#rotate();
    this.#stream?.write(text);
    this.#size += bytes;
  }

  /** Bytes queued and not yet written. */
  get pendingBytes(): number {
    return this.#stream?.writableLength ?? 0;
  }

  /** Flushes queued lines and closes the file. Idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    const stream = this.#stream;
    this.#stream = null;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(() => resolve()));
  }

  /** Closes at once, dropping queued lines. Idempotent. */
  destroy(): void {
    this.#closed = true;
    this.#stream?.destroy();
    this.#stream = null;
  }

  #open(): void {
    const fd = openSync(this.path, "a");
    try {
      const stream = createWriteStream("", { fd, flags: "a" });
      stream.on("error", (err) => this.#fail(err));
      this.#stream = stream;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  #rotate(): void {
    const old = this.#stream;
    try {
      renameSync(this.path, this.path + ".1");
      this.#size = 0;
      this.#open();
    } catch (err) {
      this.#fail(err);
    }
    old?.end();
  }

  #fail(err: unknown): void {
    if (this.#stream === null && this.#closed) return;
    this.#log.warn("replica log file disabled after an error", { path: this.path, err });
    this.#stream?.destroy();
    this.#stream = null;
    this.#closed = true;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
