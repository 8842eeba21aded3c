/**
 * Finds where a client's request body ends (RFC 9112 §6) and hands its content on piece by piece
 * as it arrives, never collecting it: a Content-Length body as slices of the reads, a chunked body
 * (§7.1) decoded, its extensions checked and dropped, its trailer section checked and dropped (the
 * gateway does not relay trailers). The one who reads (client-connection.ts) may pause after any
 * piece, which is how a slow replica slows the client down.
 *
 * Framing lines are bounded: a chunk-size line with its extensions at most 4 KiB, a trailer section
 * within the head limits. A malformed body is GATEWAY_BAD_REQUEST (400) and ends the connection,
 * since the next request's start can no longer be found.
 *
 * A BodyFlow is the current request's body on its way: the replica's connection asks for it
 * (BodySource) once it is open, so a connect that fails has consumed nothing and can be retried;
 * a body nobody will read (the request was answered first) is read and dropped.
 */
import { badRequest, BodyKind, type ParsedRequest, type RequestLimits } from "./request-head.js";
import { gatewayError } from "./respond.js";
import type { BodySink, BodySource } from "./upstream-pool.js";

/** Longest chunk-size line (size and extensions) accepted: 4 KiB. */
export const chunkLineMaxBytes = 4 * 1024;

/** Receives the body's content; returning false pauses the decoder after this piece. */
export interface ContentSink {
  onContent(piece: Buffer): boolean;
}

const enum Phase { Length, ChunkSize, ChunkData, ChunkEnd, Trailers, Done }

export const enum Flow {
  /** No body, or all of it read. */
  Done,
  /** Not asked for yet: its bytes stay unread. */
  Waiting,
  Flowing,
  /** The replica's connection is full. */
  Paused,
  /** The replica's connection went away. */
  Stopped,
  /** Read and dropped: the request was answered without it. */
  Discard,
}

/** What a BodyFlow needs from the connection it reads from. */
export interface FlowOwner {
  /** The body was asked for the first time (the moment for `100 Continue`). */
  onBodyWanted(): void;
  /** Bytes can be read again. */
  pump(): void;
}

const discard: ContentSink = { onContent: () => true };

export class BodyFlow implements BodySource, ContentSink {
  state = Flow.Done;
  #sink: BodySink | null = null;
  readonly #decoder: BodyDecoder;

  constructor(
    limits: RequestLimits,
    readonly owner: FlowOwner,
  ) {
    this.#decoder = new BodyDecoder(limits);
  }

  /** A new request: its body waits to be asked for. */
  begin(req: ParsedRequest): void {
    this.#sink = null;
    if (req.body === BodyKind.None) this.state = Flow.Done;
    else {
      this.state = Flow.Waiting;
      this.#decoder.reset(req.body === BodyKind.Length ? req.contentLength : -1);
    }
  }

  /** Bytes are taken now (delivered or dropped). */
  get reading(): boolean {
    return this.state === Flow.Flowing || this.state === Flow.Discard;
  }

  /**
   * Reads from `buf` at `at` for the replica (or drops what is read); returns the offset reached.
   * Throws an EbbError for a malformed body.
   */
  read(buf: Buffer, at: number): number {
    const end = this.#decoder.push(buf, at, this.state === Flow.Discard ? discard : this);
    if (this.#decoder.done) {
      const sink = this.#sink;
      this.state = Flow.Done;
      this.#sink = null;
      sink?.bodyEnd();
    }
    return end;
  }

  /** The request was answered: what is left of the body is read and dropped. */
  dropRest(): void {
    if (this.state === Flow.Done) return;
    this.state = Flow.Discard;
    this.#sink = null;
  }

  /** The connection is gone or closing: nothing more is read. */
  end(): void {
    this.state = Flow.Done;
    this.#sink = null;
  }

  // ---- BodySource: the replica's connection asks for the body ----

  start(to: BodySink): void {
    if (this.state !== Flow.Waiting) return;
    this.owner.onBodyWanted();
    this.#sink = to;
    this.state = Flow.Flowing;
    this.owner.pump();
  }

  resume(): void {
    if (this.state !== Flow.Paused) return;
    this.state = Flow.Flowing;
    this.owner.pump();
  }

  stop(): void {
    if (this.state !== Flow.Flowing && this.state !== Flow.Paused) return;
    this.#sink = null;
    this.state = Flow.Stopped;
  }

  onContent(piece: Buffer): boolean {
    if (this.#sink!.bodyData(piece)) return true;
    this.state = Flow.Paused;
    return false;
  }
}

// RFC 9112 §7.1.1: chunk-size [ chunk-ext ], chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ).
const chunkLine = /^([0-9A-Fa-f]{1,16})(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"))?)*$/;
const fieldLine = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;

export class BodyDecoder {
  #phase = Phase.Done;
  #remaining = 0;
  /** A framing line cut by the end of a read. */
  #partial: Buffer | null = null;
  #trailerBytes = 0;
  #trailerFields = 0;

  constructor(readonly limits: RequestLimits) {}

  /** Expects a body of `length` bytes, or a chunked one when `length` is -1. */
  reset(length: number): void {
    this.#partial = null;
    this.#trailerBytes = 0;
    this.#trailerFields = 0;
    if (length < 0) this.#phase = Phase.ChunkSize;
    else {
      this.#phase = length === 0 ? Phase.Done : Phase.Length;
      this.#remaining = length;
    }
  }

  get done(): boolean {
    return this.#phase === Phase.Done;
  }

  /**
   * Decodes `chunk` from `at`. Returns the offset reached: the end of the body (`done`), the end
   * of a piece after which `sink` asked to pause, or `chunk.length` when more bytes are needed.
   * Throws an EbbError for a malformed body.
   */
  push(chunk: Buffer, at: number, sink: ContentSink): number {
    while (at < chunk.length) {
      switch (this.#phase) {
        case Phase.Done:
          return at;
        case Phase.Length:
        case Phase.ChunkData: {
          const n = Math.min(this.#remaining, chunk.length - at);
          const piece = at === 0 && n === chunk.length ? chunk : chunk.subarray(at, at + n);
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#phase = this.#phase === Phase.Length ? Phase.Done : Phase.ChunkEnd;
          if (!sink.onContent(piece)) return at;
          break;
        }
        default:
          at = this.#framing(chunk, at);
      }
    }
    return at;
  }

  /** One framing line (chunk size, the CRLF after data, a trailer line); returns the offset after it. */
  #framing(chunk: Buffer, at: number): number {
    const eol = chunk.indexOf(0x0a, at);
    const max = this.#phase === Phase.Trailers ? this.limits.maxHeadBytes - this.#trailerBytes : chunkLineMaxBytes;
    if (eol < 0) {
      this.#keep(chunk.subarray(at), max);
      return chunk.length;
    }
    let line = chunk.subarray(at, eol + 1);
    if (this.#partial !== null) {
      line = Buffer.concat([this.#partial, line]);
      this.#partial = null;
    }
    if (line.length > max + 2) this.#tooLong();
    // RFC 9112 §2.2: every line ends in CRLF here; a bare LF is refused.
    if (line.length < 2 || line[line.length - 2] !== 0x0d) throw badRequest("A line in the chunked body does not end in CRLF");
    const text = line.toString("latin1", 0, line.length - 2);
    switch (this.#phase) {
      case Phase.ChunkEnd:
        if (text !== "") throw badRequest("Chunk data is longer than its chunk size");
        this.#phase = Phase.ChunkSize;
        break;
      case Phase.ChunkSize: {
        const m = chunkLine.exec(text);
        const size = m === null ? NaN : parseInt(m[1]!, 16);
        if (!(size <= Number.MAX_SAFE_INTEGER)) throw badRequest(`Invalid chunk-size line ${JSON.stringify(text.slice(0, 40))}`);
        if (size === 0) this.#phase = Phase.Trailers;
        else {
          this.#phase = Phase.ChunkData;
          this.#remaining = size;
        }
        break;
      }
      default:
        // RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ), then the final CRLF.
        if (text === "") {
          this.#phase = Phase.Done;
          break;
        }
        if (!fieldLine.test(text)) throw badRequest(`Invalid trailer field ${JSON.stringify(text.slice(0, 40))}`);
        this.#trailerBytes += line.length;
        if (++this.#trailerFields > this.limits.maxHeaderCount) this.#tooLong();
    }
    return eol + 1;
  }

  #keep(piece: Buffer, max: number): void {
    const kept = this.#partial === null ? piece : Buffer.concat([this.#partial, piece]);
    if (kept.length > max + 2) this.#tooLong();
    this.#partial = Buffer.from(kept);
  }

  #tooLong(): never {
    if (this.#phase !== Phase.Trailers) throw badRequest(`A chunk-size line is longer than ${chunkLineMaxBytes} bytes`);
    throw gatewayError("GATEWAY_REQUEST_HEAD_TOO_LARGE", "The request's trailer section is over the head limits", {
      maxBytes: this.limits.maxHeadBytes,
      maxFields: this.limits.maxHeaderCount,
    });
  }
}
