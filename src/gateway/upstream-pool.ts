/**
 * Keep-alive connections from the gateway to one replica, and the sending of one request at a
 * time on each (RFC 9112; no pipelining). A request takes the most recently used idle connection
 * (LIFO, so that the others expire when traffic falls) or opens a new one; when its answer is
 * complete and the request body was sent in full, the connection goes back to the pool.
 *
 * Connections are plain TCP sockets with Nagle off; each one owns its event handlers, its
 * ResponseReader and a 64 KiB read buffer, reused from read to read while no piece read into it
 * is still queued on a client's socket, so a request allocates nothing here beyond the head it
 * writes. The request body
 * (if any) is written only once the connection is open, so a failed connect has sent nothing and
 * can be retried elsewhere; its error carries `syscall: "connect"` like Node's own, also when the
 * connect takes longer than `connectTimeoutMs`.
 *
 * Bounds: idle connections per replica at most `maxIdlePerReplica` (as node:http's Agent keeps
 * 256); busy ones at most the requests in flight to the replica. An idle connection is closed
 * after `idleTimeoutMs` without traffic, below Node's 5 s server default so that the replica
 * does not close it first.
 */
import { connect, type Socket } from "node:net";
import { ResponseReader, type ResponseHandler } from "./response-reader.js";

export interface PoolOptions {
  /** Time allowed for the TCP connect to a replica, ms. */
  connectTimeoutMs: number;
  /** How long an idle pooled connection is kept, ms. */
  idleTimeoutMs: number;
}

/**
 * Size of a connection's read buffer: what libuv suggests per read, so reads are as large as with
 * Node's default allocation.
 */
const readBufferBytes = 64 * 1024;

/** Idle connections kept per replica. */
export const maxIdlePerReplica = 256;

/** What a request on a connection hears back. */
export interface ResponseSink {
  /** The answer's head; `bodyLength` is -1 when the body runs until a last chunk or the close. */
  onHead(status: number, reason: string, raw: string[], bodyLength: number): void;
  /** A piece of body; false pauses reading until `resume()`. */
  onBody(chunk: Buffer): boolean;
  onComplete(tail: Buffer | null): void;
  /** The connection failed before the response was complete. */
  onFail(err: NodeJS.ErrnoException): void;
  /** A read from the replica was handled and the answer is not complete yet. */
  onReadDone(): void;
  /**
   * Whether a piece handed to `onBody` or `onComplete` may still be referenced (queued on the
   * client's socket). Pieces are slices of the connection's read buffer, which the next read
   * overwrites unless the sink still holds them; then a fresh buffer is taken.
   */
  holdsPieces(): boolean;
}

/** Where a request body comes from: it is asked for only once the connection is open. */
export interface BodySource {
  /** Deliver the body to `to` from its start: `bodyData` for each piece, then `bodyEnd`. */
  start(to: BodySink): void;
  /** `bodyData` returned false and the connection can take more now. */
  resume(): void;
  /** The connection is gone or done: deliver nothing more. */
  stop(): void;
}

export interface BodySink {
  /** A piece of the body; false asks the source to wait for `resume()`. */
  bodyData(chunk: Buffer): boolean;
  bodyEnd(): void;
}

export class UpstreamPool {
  readonly #idle: UpstreamConnection[] = [];
  readonly #all = new Set<UpstreamConnection>();
  #destroyed = false;

  constructor(readonly host: string, readonly port: number, readonly options: PoolOptions) {}

  /** A connection to send one request on: an idle one, or a new one that may still be connecting. */
  acquire(): UpstreamConnection {
    const idle = this.#idle.pop();
    if (idle !== undefined) {
      idle.idle = false;
      return idle;
    }
    const conn = new UpstreamConnection(this);
    this.#all.add(conn);
    return conn;
  }

  get idleCount(): number {
    return this.#idle.length;
  }

  get openCount(): number {
    return this.#all.size;
  }

  /** Closes every connection, busy ones included. */
  destroy(): void {
    this.#destroyed = true;
    for (const conn of [...this.#all]) conn.destroy();
  }

  /** @internal A request finished cleanly on `conn`. */
  release(conn: UpstreamConnection): void {
    if (this.#destroyed || this.#idle.length >= maxIdlePerReplica) return conn.destroy();
    conn.idle = true;
    this.#idle.push(conn);
  }

  /** @internal The socket closed. */
  forget(conn: UpstreamConnection): void {
    this.#all.delete(conn);
    if (!conn.idle) return;
    const i = this.#idle.lastIndexOf(conn);
    if (i >= 0) this.#idle.splice(i, 1);
  }
}

export class UpstreamConnection implements ResponseHandler, BodySink {
  idle = false;
  readonly #pool: UpstreamPool;
  readonly #socket: Socket;
  readonly #reader = new ResponseReader(this);
  #connected = false;
  #closed = false;
  #connectTimer: NodeJS.Timeout | null;
  #sink: ResponseSink | null = null;
  #head = "";
  #body: BodySource | null = null;
  #chunked = false;
  #bodySent = true;
  #error: NodeJS.ErrnoException | null = null;
  /** Where the next read lands: reused while nothing read into it is still referenced. */
  #readBuffer = Buffer.allocUnsafe(readBufferBytes);
  /** The sink still holds a piece of the last read: the next read needs a fresh buffer. */
  #lent = false;

  constructor(pool: UpstreamPool) {
    this.#pool = pool;
    // Reads go into the connection's own buffer (`onread`) instead of a fresh 64 KiB ArrayBuffer
    // per read: at a few hundred MiB/s of answers those allocations made V8 collect garbage (a
    // scavenge, then a full mark-compact) every few tens of ms.
    const onread = { buffer: this.#nextReadBuffer, callback: this.#onRead };
    const socket = connect({ host: pool.host, port: pool.port, noDelay: true, onread });
    this.#socket = socket;
    this.#connectTimer = setTimeout(this.#onConnectTimeout, pool.options.connectTimeoutMs).unref();
    socket.on("connect", this.#onConnect);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    socket.on("timeout", this.#onIdleTimeout);
  }

  /**
   * Sends a request: `head` is the request line and fields with the final CRLF, `body` where
   * the request's body comes from (null for none), framed with chunked coding when `chunked`.
   * `bodyless` marks a HEAD request, whose answer has no body.
   */
  send(sink: ResponseSink, head: string, body: BodySource | null, chunked: boolean, bodyless: boolean): void {
    this.#sink = sink;
    this.#head = head;
    this.#body = body;
    this.#chunked = chunked;
    this.#bodySent = body === null;
    this.#reader.reset(bodyless);
    if (this.#connected) this.#write();
  }

  /** Reading resumes after a `false` from `onBody`. */
  resume(): void {
    this.#socket.resume();
  }

  /** Drops the connection (the request is abandoned); its sink hears nothing more. */
  destroy(): void {
    this.#sink = null;
    this.#detachBody();
    this.#socket.destroy();
  }

  // ---- ResponseHandler (called by the reader) ----

  onHead(status: number, reason: string, raw: string[], bodyLength: number): void {
    this.#sink?.onHead(status, reason, raw, bodyLength);
  }

  onBody(chunk: Buffer): void {
    if (this.#sink !== null && !this.#sink.onBody(chunk)) this.#socket.pause();
  }

  onComplete(tail: Buffer | null): void {
    const sink = this.#sink;
    this.#sink = null;
    sink?.onComplete(tail);
  }

  // ---- internals ----

  #write(): void {
    const body = this.#body;
    this.#socket.write(this.#head, "latin1");
    this.#head = "";
    body?.start(this);
  }

  // ---- BodySink (called by the request's body source) ----

  bodyData(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    const socket = this.#socket;
    if (!this.#chunked) return socket.write(chunk) || this.#awaitDrain();
    // RFC 9112 §7.1: chunk = chunk-size CRLF chunk-data CRLF
    socket.cork();
    socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
    socket.write(chunk);
    const ok = socket.write("\r\n", "latin1");
    socket.uncork();
    return ok || this.#awaitDrain();
  }

  bodyEnd(): void {
    if (this.#chunked) this.#socket.write("0\r\n\r\n", "latin1"); // last-chunk, no trailers
    this.#bodySent = true;
    this.#body = null;
    this.#socket.off("drain", this.#onDrain);
  }

  #awaitDrain(): false {
    this.#socket.once("drain", this.#onDrain);
    return false;
  }

  #onDrain = (): void => {
    this.#body?.resume();
  };

  #detachBody(): void {
    const body = this.#body;
    if (body === null) return;
    this.#body = null;
    this.#socket.off("drain", this.#onDrain);
    body.stop();
  }

  #onConnect = (): void => {
    this.#connected = true;
    clearTimeout(this.#connectTimer!);
    this.#connectTimer = null;
    this.#socket.setTimeout(this.#pool.options.idleTimeoutMs);
    if (this.#sink !== null) this.#write();
  };

  #onConnectTimeout = (): void => {
    if (this.#connected) return;
    const err: NodeJS.ErrnoException = new Error("timed out connecting to the replica");
    err.code = "ETIMEDOUT";
    err.syscall = "connect";
    this.#socket.destroy(err);
  };

  /** Bytes read from the replica; reading is paused with `socket.pause()`, so this returns true. */
  #onRead = (nread: number, buf: Buffer): boolean => {
    const sink = this.#sink;
    if (sink === null) {
      this.#socket.destroy(); // bytes nobody asked for
      return true;
    }
    let extra: number;
    try {
      extra = this.#reader.push(buf.subarray(0, nread));
    } catch (err) {
      this.#socket.destroy(err as Error);
      return true;
    }
    this.#lent = sink.holdsPieces();
    if (this.#reader.done) this.#finish(extra);
    else this.#sink?.onReadDone();
    return true;
  };

  /** Called by the socket after each read (and once at connect) for where the next one goes. */
  #nextReadBuffer = (): Buffer => {
    if (this.#lent) {
      this.#lent = false;
      this.#readBuffer = Buffer.allocUnsafe(readBufferBytes);
    }
    return this.#readBuffer;
  };

  /** The response is complete: the connection is reused only if it is clean. */
  #finish(extra: number): void {
    if (extra === 0 && this.#bodySent && this.#reader.keepAlive && !this.#closed) {
      this.#pool.release(this);
      return;
    }
    this.destroy();
  }

  #onEnd = (): void => {
    if (this.#sink !== null && this.#reader.inBody && this.#reader.end()) this.#closed = true;
  };

  #onError = (err: NodeJS.ErrnoException): void => {
    this.#error = err;
  };

  #onClose = (): void => {
    this.#closed = true;
    clearTimeout(this.#connectTimer ?? undefined);
    this.#detachBody();
    this.#pool.forget(this);
    const sink = this.#sink;
    this.#sink = null;
    if (sink === null) return;
    // Node's client calls a close before any answer a "socket hang up" (ECONNRESET).
    const err = this.#error ?? Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    sink.onFail(err);
  };

  #onIdleTimeout = (): void => {
    if (this.idle) this.#socket.destroy();
  };
}
