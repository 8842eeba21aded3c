/**
 * Server-sent event streams (WHATWG HTML §9.2, "Server-sent events"). One SseStream per open
 * `/stream` request: it writes `event:` / `id:` / `data:` blocks, a comment heartbeat so idle
 * proxies keep the connection, and ends when the client goes away or the server closes. A client
 * that stops reading is cut off once `maxBufferedBytes` are waiting, so a slow reader cannot grow
 * the server's memory.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock, Timer } from "../kit/clock.js";

export interface SseOptions {
  clock: Clock;
  /** Interval of the `: heartbeat` comment, in ms. */
  heartbeatMs: number;
  /** Unsent bytes allowed before a slow client is disconnected. */
  maxBufferedBytes: number;
}

export class SseStream {
  readonly #res: ServerResponse;
  readonly #opts: SseOptions;
  readonly #onClose: Array<() => void> = [];
  #heartbeat: Timer | undefined;
  #closed = false;
  /** Snapshots written but not yet handed to the socket. */
  #snapshotsPending = 0;

  constructor(req: IncomingMessage, res: ServerResponse, opts: SseOptions) {
    this.#res = res;
    this.#opts = opts;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      // Tells buffering reverse proxies (nginx) to pass each event through at once.
      "x-accel-buffering": "no",
    });
    // A first comment sends the headers now, so the client's fetch resolves before any event.
    res.write(": ebb stream open\n\n");
    this.#heartbeat = opts.clock.setInterval(() => this.comment("heartbeat"), opts.heartbeatMs);
    req.once("close", () => this.#finish());
    res.once("close", () => this.#finish());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs fn once when the stream ends, whatever ended it (client, server, slow reader). */
  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#onClose.push(fn);
  }

  /** One event. `data` is JSON, which never contains a raw newline, so one `data:` line holds it. */
  send(event: string, data: unknown, id?: number): void {
    const idLine = id === undefined ? "" : `id: ${id}\n`;
    this.#write(`event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`);
  }

  /**
   * A snapshot that supersedes the previous one (the overview). It is queued like any event
   * while the backlog stays within `maxBufferedBytes`. Past that it goes out only once the
   * previous snapshot has left (a larger one, an overview of a thousand apps, is written whole);
   * otherwise it is skipped, and the client gets a later, fresher one. A stream thus holds at most
   * one snapshot beyond the bound, and a client that has not taken it by the next heartbeat is
   * cut off as a slow reader. Returns whether it was sent; `onSent` runs once a sent snapshot
   * has been handed to the socket (the moment a caller holding back data may try again).
   */
  sendSnapshot(event: string, data: unknown, onSent?: () => void): boolean {
    if (this.#closed) return false;
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    const fits = this.#res.writableLength + Buffer.byteLength(text) <= this.#opts.maxBufferedBytes;
    if (!fits && this.#snapshotsPending > 0) return false;
    this.#snapshotsPending++;
    this.#res.write(text, (err) => {
      this.#snapshotsPending--;
      if (!err && !this.#closed) onSent?.();
    });
    return true;
  }

  /** A comment line (`: text`), which clients ignore (§9.2.6). */
  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  /** Ends the stream cleanly (the client sees the body end). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#res.end();
    this.#finish();
  }

  /** Aborts the connection. Idempotent. */
  destroy(): void {
    if (!this.#res.destroyed) this.#res.destroy();
    this.#finish();
  }

  #write(text: string): void {
    if (this.#closed) return;
    this.#res.write(text);
    if (this.#res.writableLength > this.#opts.maxBufferedBytes) this.destroy();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#heartbeat?.cancel();
    for (const fn of this.#onClose.splice(0)) fn();
  }
}

/**
 * The set of open streams, bounded by `maxStreams`. `close()` ends every stream cleanly, as the
 * server does when it drains.
 */
export class SseStreams {
  readonly #open = new Set<SseStream>();
  readonly #maxStreams: number;
  readonly #opts: SseOptions;

  constructor(maxStreams: number, opts: SseOptions) {
    this.#maxStreams = maxStreams;
    this.#opts = opts;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Opens a stream, or returns undefined when `maxStreams` are already open. */
  open(req: IncomingMessage, res: ServerResponse): SseStream | undefined {
    if (this.#open.size >= this.#maxStreams) return undefined;
    const stream = new SseStream(req, res, this.#opts);
    this.#open.add(stream);
    stream.onClose(() => this.#open.delete(stream));
    return stream;
  }

  closeAll(): void {
    for (const s of [...this.#open]) s.close();
  }

  destroyAll(): void {
    for (const s of [...this.#open]) s.destroy();
  }
}
