/**
 * Parses a server-sent event stream as the WHATWG HTML standard §9.2.6 ("Interpreting an event
 * stream") does: lines end in CRLF, LF or CR; `:` starts a comment; `event`, `data` and `id`
 * fields; a blank line dispatches. Browser-safe (no Node built-ins): the console uses it through
 * the client. A single event larger than `maxEventChars` is refused, so a broken server cannot
 * grow the reader's memory without bound.
 */
import { EbbError } from "../kit/errors.js";

export interface SseMessage {
  /** The `event:` field; "message" when the block had none. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last `id:` seen on the stream, if any. */
  id: string | undefined;
}

export class SseParser {
  readonly #maxEventChars: number;
  #pending = "";
  /** Chunks of an unterminated line not yet joined to `#pending`. */
  #parts: string[] = [];
  #partChars = 0;
  #event = "";
  #data: string[] = [];
  #dataChars = 0;
  #lastId: string | undefined;

  /** @param maxEventChars largest event (or unterminated line) accepted. Default 1 Mi chars. */
  constructor(maxEventChars = 1024 * 1024) {
    this.#maxEventChars = maxEventChars;
  }

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseMessage[] {
    // A chunk in the middle of a long line is only kept: a megabyte-long event arriving in many
    // chunks is joined and scanned once, not once per chunk.
    if (!/[\r\n]/.test(text) && !this.#pending.endsWith("\r")) {
      this.#parts.push(text);
      this.#partChars += text.length;
      this.#checkSize();
      return [];
    }
    // What was pending has no line end, except perhaps a final CR: scan from there only.
    const scanFrom = Math.max(0, this.#pending.length - 1);
    this.#pending += this.#parts.join("") + text;
    this.#parts = [];
    this.#partChars = 0;
    const out: SseMessage[] = [];
    const lineEnd = /\r\n|\n|\r/g;
    lineEnd.lastIndex = scanFrom;
    let start = 0;
    for (let m = lineEnd.exec(this.#pending); m; m = lineEnd.exec(this.#pending)) {
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (m[0] === "\r" && m.index === this.#pending.length - 1) break;
      const message = this.#line(this.#pending.slice(start, m.index));
      if (message) out.push(message);
      start = m.index + m[0].length;
    }
    this.#pending = this.#pending.slice(start);
    this.#checkSize();
    return out;
  }

  #checkSize(): void {
    if (this.#pending.length + this.#partChars + this.#dataChars > this.#maxEventChars) {
      throw new EbbError("API_BAD_REQUEST", `server-sent event larger than ${this.#maxEventChars} characters`);
    }
  }

  #line(line: string): SseMessage | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") {
      this.#data.push(value);
      this.#dataChars += value.length + 1;
    } else if (field === "id" && !value.includes("\0")) this.#lastId = value;
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const event = this.#event || "message";
    const hadData = this.#data.length > 0;
    const data = this.#data.join("\n");
    this.#event = "";
    this.#data = [];
    this.#dataChars = 0;
    return hadData ? { event, data, id: this.#lastId } : undefined;
  }
}

/**
 * The events of a fetch response body. Ends when the body ends or `signal` aborts; cancelling
 * the iteration (break, return) cancels the body, which closes the connection. `maxEventChars`
 * is the parser's bound (default 1 Mi chars).
 */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal, maxEventChars?: number): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser(maxEventChars);
  // Cancelling settles a pending read at once, even for a body the signal is not wired to.
  const onAbort = (): void => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) return;
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
      if (chunk.done) return;
      yield* parser.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.cancel().catch(() => {});
  }
}
