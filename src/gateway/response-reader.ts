/**
 * Reads one HTTP/1.1 response at a time from a replica's byte stream (RFC 9112): the status line
 * and fields, then the body delimited as §6.3 says, so that a pooled connection knows where the
 * answer ends and can serve the next request. Bodies are handed on as they arrive, never
 * collected: Content-Length bodies as slices of the chunks read, chunked bodies (§7.1) decoded
 * (their trailers are dropped, as the gateway does not relay trailers), close-delimited bodies
 * until the replica closes the connection.
 *
 * It replaces node:http's client on the proxy path because that client's per-request objects
 * (ClientRequest, agent bookkeeping, IncomingMessage, stream wiring) cost more than the proxying
 * itself; the head is parsed here with one `indexOf` and one `split`, and a small answer that
 * arrives in one read is handed on whole, head and body together.
 *
 * Interim 1xx answers (100 Continue, 103 Early Hints) are skipped, a 101 outside an Upgrade is an
 * error, and so is anything malformed: a head over `responseHeadMaxBytes`, an obsolete line fold
 * (§5.2), a control character or bare CR/LF (which would reach the client), a bad or repeated-and-different Content-Length, or both Content-Length and
 * Transfer-Encoding (§6.3 rule 3: a sender must not send both; a proxy must not relay it).
 */
import { nameIs } from "./field-name.js";

/** Largest response head (status line and fields) accepted from a replica: 64 KiB. */
export const responseHeadMaxBytes = 64 * 1024;

/** Longest chunk-size line (size, extensions) or trailer section accepted: 4 KiB and 64 KiB. */
const chunkLineMaxBytes = 4 * 1024;

export interface ResponseHandler {
  /**
   * The final (non-1xx) response head; `raw` is [name, value, name, value, ...] as received;
   * `bodyLength` the body's size in bytes, or -1 when it runs until a last chunk or the close.
   */
  onHead(status: number, reason: string, raw: string[], bodyLength: number): void;
  /** A piece of the body, in order. */
  onBody(chunk: Buffer): void;
  /** The response is complete; `tail` is its last piece of body, if it came in this read. */
  onComplete(tail: Buffer | null): void;
}

/** Why the replica's bytes are not a valid response; the proxy answers 502. */
export class ResponseError extends Error {
  readonly code = "HPE_INVALID_RESPONSE";
}

const enum Phase { Head, Length, ChunkSize, ChunkData, ChunkEnd, Trailers, UntilClose, Done }

const crlfcrlf = Buffer.from("\r\n\r\n");

/**
 * Where the head line starting at `from` ends: the index of its CR, or the text's end for the last
 * line. RFC 9112 §2.2, §5: throws for a control character or a bare CR or LF, which would reach the
 * client. One loop over the characters checks and splits the head (a regular expression with
 * look-behind and a `split` did it in two passes, at about twice the cost).
 */
function headLineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 ? c !== 0x7f : c === 0x09) continue;
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) return i;
    throw new ResponseError("control character or bare CR/LF in the response head");
  }
  return text.length;
}

/** The field value between `from` and `to` without optional whitespace (SP, HTAB) around it. */
function trimOws(text: string, from: number, to: number): string {
  while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
  return text.slice(from, to);
}

export class ResponseReader {
  /** The replica may keep the connection open for another request after this response. */
  keepAlive = true;
  #phase = Phase.Done;
  #bodyless = false;
  #remaining = 0;
  #pending: Buffer | null = null;
  #handler: ResponseHandler;

  constructor(handler: ResponseHandler) {
    this.#handler = handler;
  }

  /** Expects a new response; `bodyless` for the answer to a HEAD request (RFC 9110 §9.3.2). */
  reset(bodyless: boolean): void {
    this.#phase = Phase.Head;
    this.#bodyless = bodyless;
    this.#pending = null;
    this.keepAlive = true;
  }

  get done(): boolean {
    return this.#phase === Phase.Done;
  }

  /** A response head has been read and its body is being delivered. */
  get inBody(): boolean {
    return this.#phase !== Phase.Head && this.#phase !== Phase.Done;
  }

  /**
   * Consumes bytes read from the replica. Returns how many bytes came after the end of the
   * response (bytes nobody asked for; the connection is then unusable). Throws ResponseError.
   */
  push(chunk: Buffer): number {
    let at = 0;
    if (this.#pending !== null) {
      chunk = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    while (at < chunk.length) {
      switch (this.#phase) {
        case Phase.Done:
          return chunk.length - at;
        case Phase.Head:
          at = this.#readHead(chunk, at);
          if (at < 0) return 0;
          break;
        case Phase.Length: {
          const n = Math.min(this.#remaining, chunk.length - at);
          const piece = at === 0 && n === chunk.length ? chunk : chunk.subarray(at, at + n);
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#complete(piece);
          else this.#handler.onBody(piece);
          break;
        }
        case Phase.ChunkData: {
          const n = Math.min(this.#remaining, chunk.length - at);
          this.#handler.onBody(chunk.subarray(at, at + n));
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#phase = Phase.ChunkEnd;
          break;
        }
        case Phase.UntilClose:
          this.#handler.onBody(at === 0 ? chunk : chunk.subarray(at));
          return 0;
        default:
          at = this.#readChunkFraming(chunk, at);
          if (at < 0) return 0;
      }
    }
    return 0;
  }

  /** The replica closed its side: completes a close-delimited body; false if the response was cut short. */
  end(): boolean {
    if (this.#phase !== Phase.UntilClose) return this.#phase === Phase.Done;
    this.#complete(null);
    return true;
  }

  #complete(tail: Buffer | null): void {
    this.#phase = Phase.Done;
    this.#handler.onComplete(tail);
  }

  /** Returns the offset after the head, or -1 when more bytes are needed (kept as pending). */
  #readHead(chunk: Buffer, at: number): number {
    const end = chunk.indexOf(crlfcrlf, at);
    if (end < 0) {
      if (chunk.length - at > responseHeadMaxBytes) throw new ResponseError(`response head over ${responseHeadMaxBytes} bytes`);
      this.#pending = Buffer.from(chunk.subarray(at)); // a copy: the caller may reuse `chunk`
      return -1;
    }
    if (end - at > responseHeadMaxBytes) throw new ResponseError(`response head over ${responseHeadMaxBytes} bytes`);
    const text = chunk.toString("latin1", at, end);
    const statusEnd = headLineEnd(text, 0);
    const statusLine = text.slice(0, statusEnd);
    // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
    if (!statusLine.startsWith("HTTP/1.") || statusLine.charCodeAt(8) !== 0x20) throw new ResponseError(`bad status line ${JSON.stringify(statusLine.slice(0, 40))}`);
    const status = Number(statusLine.slice(9, 12));
    if (!Number.isInteger(status) || status < 100 || status > 999) throw new ResponseError(`bad status code in ${JSON.stringify(statusLine.slice(0, 40))}`);
    if (status < 200) {
      if (status === 101) throw new ResponseError("101 Switching Protocols answered a request that asked for no upgrade");
      for (let from = statusEnd; from < text.length; ) from = headLineEnd(text, from + 2); // checked, then skipped
      return end + 4; // RFC 9110 §15.2: interim answers are followed by the final one
    }
    const raw: string[] = [];
    let length = -1;
    let chunked = false;
    let framed = false;
    this.keepAlive = statusLine.charCodeAt(7) === 0x31; // "HTTP/1.1"; an HTTP/1.0 replica closes
    for (let from = statusEnd + 2; from < text.length + 2; ) {
      const eol = headLineEnd(text, from);
      const colon = text.indexOf(":", from);
      const first = text.charCodeAt(from);
      if (colon <= from || colon >= eol || first === 0x20 || first === 0x09) throw new ResponseError(`bad field line ${JSON.stringify(text.slice(from, Math.min(eol, from + 40)))}`);
      const name = text.slice(from, colon);
      const value = trimOws(text, colon + 1, eol);
      from = eol + 2;
      raw.push(name, value);
      switch (name.length) {
        case 10:
          if (nameIs(name, "connection") && /(^|,)\s*close\s*(,|$)/i.test(value)) this.keepAlive = false;
          break;
        case 14:
          if (nameIs(name, "content-length")) {
            if (!/^\d{1,15}$/.test(value) || (length >= 0 && length !== Number(value))) throw new ResponseError(`bad Content-Length ${JSON.stringify(value)}`);
            length = Number(value);
          }
          break;
        case 17:
          if (nameIs(name, "transfer-encoding")) {
            framed = true;
            chunked = /(^|,)\s*chunked\s*$/i.test(value);
          }
          break;
      }
    }
    if (framed && length >= 0) throw new ResponseError("both Content-Length and Transfer-Encoding");
    const bodyless = this.#bodyless || status === 204 || status === 304;
    this.#handler.onHead(status, statusLine.slice(13), raw, bodyless ? 0 : framed ? -1 : length);
    const after = end + 4;
    if (bodyless) {
      this.#complete(null);
    } else if (framed) {
      // RFC 9112 §6.3: chunked last means chunked; any other coding is read until close.
      this.#phase = chunked ? Phase.ChunkSize : Phase.UntilClose;
      if (!chunked) this.keepAlive = false;
    } else if (length > 0) {
      this.#phase = Phase.Length;
      this.#remaining = length;
    } else if (length === 0) {
      this.#complete(null);
    } else {
      this.#phase = Phase.UntilClose;
      this.keepAlive = false;
    }
    return after;
  }

  /** Chunk-size lines, the CRLF after chunk data, and the trailer section (RFC 9112 §7.1). */
  #readChunkFraming(chunk: Buffer, at: number): number {
    if (this.#phase === Phase.Trailers) {
      // The trailer section ends with an empty line: CRLF at once, or CRLFCRLF after fields.
      if (chunk.length - at >= 2 && chunk[at] === 0x0d && chunk[at + 1] === 0x0a) return this.#trailersDone(at + 2);
      const end = chunk.indexOf(crlfcrlf, at);
      if (end >= 0) return this.#trailersDone(end + 4);
      return this.#keep(chunk, at, responseHeadMaxBytes, "trailer section");
    }
    if (this.#phase === Phase.ChunkEnd) {
      if (chunk[at] !== 0x0d || (at + 1 < chunk.length && chunk[at + 1] !== 0x0a)) throw new ResponseError("missing CRLF after chunk data");
      if (at + 1 === chunk.length) return this.#keep(chunk, at, 2, "CRLF after chunk data");
      this.#phase = Phase.ChunkSize;
      return at + 2;
    }
    const eol = chunk.indexOf(0x0a, at);
    if (eol < 0) return this.#keep(chunk, at, chunkLineMaxBytes, "chunk-size line");
    if (eol - at > chunkLineMaxBytes) throw new ResponseError("chunk-size line too long");
    const line = chunk.toString("latin1", at, eol).replace(/\r$/, "");
    const semi = line.indexOf(";");
    const hex = (semi >= 0 ? line.slice(0, semi) : line).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new ResponseError(`bad chunk size ${JSON.stringify(hex.slice(0, 20))}`);
    const size = parseInt(hex, 16);
    if (size === 0) this.#phase = Phase.Trailers;
    else {
      this.#phase = Phase.ChunkData;
      this.#remaining = size;
    }
    return eol + 1;
  }

  #trailersDone(at: number): number {
    this.#complete(null);
    return at;
  }

  #keep(chunk: Buffer, at: number, max: number, what: string): number {
    if (chunk.length - at > max) throw new ResponseError(`${what} too long`);
    this.#pending = Buffer.from(chunk.subarray(at));
    return -1;
  }
}
