/**
 * Splits a replica's output stream into lines. Works on bytes so that the bound is exact and a
 * chunk boundary inside a multi-byte character does no harm: a line is decoded only once whole.
 * Memory is bounded by `maxLineBytes`: a longer line (or a partial line that never ends, such as
 * a progress bar) is cut there, marked, and the rest of it is dropped up to the next newline.
 */

export const cutMarker = " [line cut]";

export class LineSplitter {
  readonly maxLineBytes: number;
  #onLine: (text: string) => void;
  #parts: Buffer[] = [];
  #size = 0;
  /** Dropping the rest of a line that was already cut. */
  #skipping = false;

  /** `maxLineBytes`: longest line kept, bytes (the runtime passes 16 KiB). */
  constructor(maxLineBytes: number, onLine: (text: string) => void) {
    this.maxLineBytes = Math.max(1, maxLineBytes);
    this.#onLine = onLine;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      this.#take(chunk.subarray(start, end));
      if (nl === -1) break;
      if (this.#skipping) this.#skipping = false;
      else this.#emit(false);
      start = nl + 1;
    }
  }

  /** Flushes a last line that had no newline (the stream ended). */
  end(): void {
    if (this.#size > 0 && !this.#skipping) this.#emit(false);
    this.#skipping = false;
    this.#parts = [];
    this.#size = 0;
  }

  #take(bytes: Buffer): void {
    if (this.#skipping || bytes.length === 0) return;
    const room = this.maxLineBytes - this.#size;
    if (bytes.length <= room) {
      this.#parts.push(bytes);
      this.#size += bytes.length;
      return;
    }
    this.#parts.push(bytes.subarray(0, room));
    this.#size += room;
    this.#emit(true);
    this.#skipping = true;
  }

  #emit(cut: boolean): void {
    let text = Buffer.concat(this.#parts, this.#size).toString("utf8");
    this.#parts = [];
    this.#size = 0;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    this.#onLine(cut ? text + cutMarker : text);
  }
}
