/**
 * Answers as the gateway writes them to a client (RFC 9112 §4, §6, §7). A replica's head becomes
 * the status line, the replica's end-to-end fields in their order and case, then what belongs to
 * the client's hop: the framing (the replica's Content-Length is kept; an answer of unknown length
 * goes to an HTTP/1.1 client chunked), Date when the replica sent none (RFC 9110 §6.6.1: a proxy
 * adds it), and Connection. It is built in one pass over the fields.
 *
 * The ResponseWriter holds that head back until the first piece of body (or the end of the
 * replica's read), so that a small answer goes out in one write: one buffer with head and body.
 * It decides per answer whether the connection stays open (RFC 9112 §9.3): when the client asked,
 * the connection allows it, and the answer's end is known without closing (an HTTP/1.0 client
 * gets an answer of unknown length delimited by the close).
 */
import type { Socket } from "node:net";
import type { Clock } from "../kit/clock.js";
import type { EbbError } from "../kit/errors.js";
import { nameIs } from "./field-name.js";
import { downstreamResponseHeaders, isHopByHop, listedFields } from "./forward-headers.js";
import type { ParsedRequest } from "./request-head.js";
import { errorAnswer, type AnswerOptions } from "./respond.js";

/** Largest body written in one buffer together with its head, bytes. */
const oneWriteMaxBytes = 16 * 1024;

export class ResponseWriter {
  /** The connection stays open after the answer being written. */
  keepAlive = false;
  #head: string | null = null;
  #chunked = false;

  constructor(
    readonly socket: Socket,
    readonly clock: Clock,
    readonly date: DateField,
  ) {}

  /**
   * Writes the gateway's own answer to `req` (null: a request that could not be read) and returns
   * its status; `mayKeepAlive` is false when the connection must close after it.
   */
  error(err: EbbError, opts: AnswerOptions, req: ParsedRequest | null, mayKeepAlive: boolean): number {
    this.keepAlive = mayKeepAlive && req !== null && req.keepAlive && !opts.close;
    const answer = errorAnswer(err, opts, this.date.line(this.clock.now()) + this.#connectionLine(req?.minor ?? 1));
    this.socket.write(req?.method === "HEAD" ? answer.head : answer.head + answer.body);
    return answer.status;
  }

  /** RFC 9110 §15.2.1: the client may send the body it held back. */
  continue(): void {
    this.socket.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
  }

  /** A replica's answer to `req` starts; `bodyLength` is -1 when unknown (then chunked on HTTP/1.1). */
  start(status: number, reason: string, raw: readonly string[], bodyLength: number, req: ParsedRequest, mayKeepAlive: boolean): void {
    this.keepAlive = mayKeepAlive && req.keepAlive && (bodyLength >= 0 || req.minor === 1);
    this.#chunked = bodyLength < 0 && req.minor === 1;
    const connection = this.#connectionLine(req.minor);
    const hop = this.#chunked ? `Transfer-Encoding: chunked\r\n${connection}` : connection;
    this.#head = responseHeadText(status, reason, raw, hop, this.date.line(this.clock.now()));
  }

  /** A piece of body; false when the client's socket is full (wait for its drain). */
  body(chunk: Buffer): boolean {
    if (this.#head !== null) return this.#writeFirst(chunk, false);
    if (!this.#chunked) return this.socket.write(chunk);
    return this.#writeChunk(chunk, "\r\n");
  }

  /** Writes a head still held back. */
  flushHead(): void {
    if (this.#head !== null) this.#writeFirst(null, false);
  }

  /** The answer is complete; `tail` is its last piece of body, if any. */
  end(tail: Buffer | null): void {
    if (this.#head !== null) this.#writeFirst(tail, true);
    else if (!this.#chunked) {
      if (tail !== null) this.socket.write(tail);
    } else if (tail === null) this.socket.write("0\r\n\r\n", "latin1");
    else this.#writeChunk(tail, "\r\n0\r\n\r\n");
  }

  #connectionLine(minor: number): string {
    if (!this.keepAlive) return "Connection: close\r\n";
    return minor === 0 ? "Connection: keep-alive\r\n" : "";
  }

  /** RFC 9112 §7.1: chunk = chunk-size CRLF chunk-data CRLF; `after` ends the chunk (and may add the last-chunk). */
  #writeChunk(chunk: Buffer, after: string): boolean {
    const socket = this.socket;
    socket.cork();
    socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
    socket.write(chunk);
    const ok = socket.write(after, "latin1");
    socket.uncork();
    return ok;
  }

  /** Writes the held head with `body` (and the last chunk when `last`), in one buffer when small. */
  #writeFirst(body: Buffer | null, last: boolean): boolean {
    let pre = this.#head!;
    this.#head = null;
    const n = body === null ? 0 : body.length;
    let post = "";
    if (this.#chunked) {
      if (n > 0) {
        pre += `${n.toString(16)}\r\n`;
        post = "\r\n";
      }
      if (last) post += "0\r\n\r\n";
    }
    const socket = this.socket;
    if (n > oneWriteMaxBytes) {
      socket.cork();
      socket.write(pre, "latin1");
      socket.write(body!);
      const ok = post === "" || socket.write(post, "latin1");
      socket.uncork();
      return ok;
    }
    const out = Buffer.allocUnsafe(pre.length + n + post.length);
    out.write(pre, 0, "latin1");
    if (n > 0) body!.copy(out, pre.length);
    if (post !== "") out.write(post, pre.length + n, "latin1");
    return socket.write(out);
  }
}

/** The Date field for `nowMs`, rendered at most once per second (RFC 9110 §5.6.7 IMF-fixdate). */
export class DateField {
  #second = -1;
  #line = "";

  line(nowMs: number): string {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#line = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
    }
    return this.#line;
  }
}

/**
 * The response head, ending with the empty line. `hopLines` are the client hop's own lines
 * (framing and Connection, each ending in CRLF); `date` is added when the replica sent no Date.
 */
export function responseHeadText(status: number, reason: string, raw: readonly string[], hopLines: string, date: string): string {
  let text = `HTTP/1.1 ${status} ${reason}\r\n`;
  let hasDate = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && nameIs(name, "date")) hasDate = true;
    else if (isHopByHop(name)) {
      // A Connection field may name more fields to drop (RFC 9110 §7.6.1): the general path.
      if (nameIs(name, "connection") && listedFields(raw[i + 1]!, null) !== null) {
        return responseHeadText(status, reason, downstreamResponseHeaders(raw), hopLines, date);
      }
      continue;
    }
    text += `${name}: ${raw[i + 1]}\r\n`;
  }
  return `${text}${hasDate ? "" : date}${hopLines}\r\n`;
}
