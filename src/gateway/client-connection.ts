/**
 * One client's TCP connection to the gateway, speaking HTTP/1.1 (RFC 9112) on the raw socket: it
 * reads request heads (request-head.ts) and bodies (request-body.ts), hands requests to the gateway
 * and has answers written (client-response.ts); it owns keep-alive (§9.3), `100 Continue`, deadlines.
 *
 * Requests are read one at a time: bytes past the current request (a pipelined one, §9.3.2) stay
 * unread, the socket paused, until its answer is complete, so answers go out in order and a client
 * cannot queue work without bound. A body is read only when a replica's connection asks for it, at
 * the replica's pace; `Expect: 100-continue` is answered then, so a request refused before (401,
 * 404, 503) never makes the client send its body. After an answer that closes, the connection
 * half-closes and drops what the client still sends (a lingering close), so that unread bytes do
 * not reset the connection before the client has read the answer.
 *
 * Deadlines are times on the gateway's clock, checked by its sweep (no timer per request):
 * `headersTimeoutMs` from a head's first byte to its end, `keepAliveTimeoutMs` while idle between
 * requests, `lingerMs` for a lingering close.
 */
import type { Socket } from "node:net";
import type { Clock } from "../kit/clock.js";
import type { EbbError } from "../kit/errors.js";
import { ResponseWriter, type DateField } from "./client-response.js";
import { BodyFlow, Flow, type FlowOwner } from "./request-body.js";
import { HeadFinder, parseRequestHead, type ParsedRequest, type RequestLimits } from "./request-head.js";
import type { ClientExchange } from "./exchange.js";
import type { AnswerOptions } from "./respond.js";

/** How long a lingering close waits for the client to close its side, ms. */
const lingerMs = 5000;

/** What the gateway does with the requests a connection reads. */
export interface ConnectionHost {
  readonly clock: Clock;
  readonly limits: RequestLimits;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** True once the gateway is closing: every answer closes its connection. */
  readonly closing: boolean;
  /** A request head was read: answer it with `sendError` or `attach` an exchange. */
  request(conn: ClientConnection, req: ParsedRequest): void;
  /** An Upgrade request head was read: refuse it with `sendError` or take the socket with `handOver`. */
  upgrade(conn: ClientConnection, req: ParsedRequest): void;
  /** The connection is closed or handed over. */
  forget(conn: ClientConnection): void;
}

const enum State { Head, Request, Closing, Closed, HandedOver }

export class ClientConnection implements FlowOwner {
  readonly remoteAddress: string;
  /** When the current wait (head, idle, linger) ends, in clock ms; Infinity during a request. */
  deadline: number;
  readonly #socket: Socket;
  readonly #host: ConnectionHost;
  /** Writes the answers; the exchange writes body pieces through it directly. */
  readonly out: ResponseWriter;
  #state = State.Head;
  #pending: Buffer | null = null;
  #pendingAt = 0;
  readonly #finder: HeadFinder;
  #req: ParsedRequest | null = null;
  #exchange: ClientExchange | null = null;
  /** The current request's body: the BodySource its exchange hands to the replica's connection. */
  readonly body: BodyFlow;
  #responded = false;
  #continueSent = false;
  #paused = false;
  /** Idle after an answer, kept alive for the next request; its deadline is still the idle one. */
  #kept = false;
  #pumping = false;
  #again = false;

  constructor(socket: Socket, host: ConnectionHost, date: DateField) {
    this.#socket = socket;
    this.#host = host;
    this.out = new ResponseWriter(socket, host.clock, date);
    this.body = new BodyFlow(host.limits, this);
    this.#finder = new HeadFinder(host.limits.maxHeadBytes);
    this.remoteAddress = socket.remoteAddress ?? "";
    this.deadline = host.clock.now() + host.headersTimeoutMs;
    socket.on("data", this.#onData).on("end", this.#onEnd).on("drain", this.#onDrain).on("close", this.#onClose).on("error", ignore);
  }

  /** The exchange that answers the current request. */
  attach(exchange: ClientExchange): void {
    this.#exchange = exchange;
  }

  /** Answers the current request with the gateway's own error; returns the status. */
  sendError(err: EbbError, opts: AnswerOptions = {}): number {
    const req = this.#req;
    // A body the client was told to hold back (no 100 yet) may never come: close instead of reading it.
    const heldBack = req !== null && req.expectContinue && !this.#continueSent && this.body.state === Flow.Waiting;
    const status = this.out.error(err, opts, req, !this.#host.closing && !heldBack);
    this.#respondDone();
    return status;
  }

  /** The replica's answer starts; `bodyLength` is -1 when unknown. */
  startResponse(status: number, reason: string, raw: readonly string[], bodyLength: number): void {
    this.out.start(status, reason, raw, bodyLength, this.#req!, !this.#host.closing);
  }

  /** The answer is complete; `tail` is its last piece of body, if any. */
  endResponse(tail: Buffer | null): void {
    this.out.end(tail);
    this.#respondDone();
  }

  /** Gives the socket and the bytes read past the head to an Upgrade tunnel; the connection is done. */
  handOver(): { socket: Socket; head: Buffer } {
    const socket = this.#socket;
    const head = this.#pending === null ? Buffer.alloc(0) : this.#pending.subarray(this.#pendingAt);
    this.#state = State.HandedOver;
    this.#pending = null;
    this.deadline = Infinity;
    socket.pause();
    socket.off("data", this.#onData).off("end", this.#onEnd).off("drain", this.#onDrain).off("close", this.#onClose).off("error", ignore);
    this.#host.forget(this);
    return { socket, head };
  }

  onBodyWanted(): void {
    if (!this.#req!.expectContinue || this.#continueSent) return;
    this.#continueSent = true;
    this.out.continue();
  }

  pump = (): void => {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        this.#step();
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
    const pause = this.body.state === Flow.Paused || (this.#pending !== null && this.#state !== State.Head && !this.body.reading);
    if (pause === this.#paused || this.#state > State.Request) return;
    this.#paused = pause;
    if (pause) this.#socket.pause();
    else this.#socket.resume();
  };

  /** The gateway is closing: a connection between answers closes now, one inside a head is dropped. */
  closeIfIdle(): void {
    if (this.#state === State.Head && this.#pending !== null) return void this.#socket.destroy();
    if (this.#state === State.Head || (this.#state === State.Request && this.#responded)) this.#linger();
  }

  /** Drops the connection: an answer that started cannot be completed, a deadline passed, or the gateway is destroyed. */
  destroy(): void {
    this.#socket.destroy();
  }

  #onData = (chunk: Buffer): void => {
    if (this.#state !== State.Head && this.#state !== State.Request) return; // lingering: discarded
    if (this.#pending === null) {
      this.#pending = chunk;
      this.#pendingAt = 0;
    } else {
      this.#pending = Buffer.concat([this.#pending.subarray(this.#pendingAt), chunk]);
      this.#pendingAt = 0;
    }
    // A body read only to be dropped may pause at most keepAliveTimeoutMs between reads.
    if (this.body.state === Flow.Discard) this.deadline = this.#host.clock.now() + this.#host.keepAliveTimeoutMs;
    this.pump();
  };

  #step(): void {
    if (this.#state === State.Head) {
      if (this.#pending !== null) this.#readHead();
      return;
    }
    if (this.#state !== State.Request) return;
    if (this.#pending !== null && this.body.reading) this.#readBody();
    if (this.body.state === Flow.Done && this.#responded) this.#nextRequest();
  }

  #readHead(): void {
    const buf = this.#pending!;
    const finder = this.#finder;
    let req: ParsedRequest, end: number;
    try {
      end = finder.find(buf, this.#pendingAt);
      if (end < 0) {
        // The head's deadline starts at its first byte; a head that arrives whole in one read needs none.
        if (this.#kept) this.deadline = this.#host.clock.now() + this.#host.headersTimeoutMs;
        this.#kept = false;
        this.#pending = finder.start === 0 ? buf : finder.start < buf.length ? buf.subarray(finder.start) : null;
        this.#pendingAt = 0;
        return;
      }
      req = parseRequestHead(buf.toString("latin1", finder.start, end), this.#host.limits);
    } catch (err) {
      return void this.#refuse(err as EbbError);
    }
    if (end + 4 < buf.length) this.#pendingAt = end + 4;
    else this.#pending = null;
    this.#begin(req);
  }

  #begin(req: ParsedRequest): void {
    this.#state = State.Request;
    this.#kept = false;
    this.#req = req;
    this.deadline = Infinity;
    this.#responded = false;
    this.#continueSent = false;
    this.body.begin(req);
    if (req.upgrade) this.#host.upgrade(this, req);
    else this.#host.request(this, req);
    this.#again = true;
  }

  #readBody(): void {
    const buf = this.#pending!;
    let at: number;
    try {
      at = this.body.read(buf, this.#pendingAt);
    } catch (err) {
      if (this.#exchange !== null) this.#exchange.answer(err as EbbError, { close: true });
      else this.#socket.destroy();
      return;
    }
    if (at < buf.length) this.#pendingAt = at;
    else this.#pending = null;
  }

  /** A request line or head the gateway cannot read: answer it and close. */
  #refuse(err: EbbError): void {
    this.#req = null;
    this.#state = State.Request;
    this.body.end();
    this.sendError(err, { close: true });
  }

  #respondDone(): void {
    this.#responded = true;
    this.#exchange = null;
    if (!this.out.keepAlive) return this.#linger();
    this.body.dropRest();
    if (this.body.state === Flow.Discard) this.deadline = this.#host.clock.now() + this.#host.keepAliveTimeoutMs;
    if (this.#pending === null && this.body.state === Flow.Done) this.#nextRequest();
    else queueMicrotask(this.pump);
  }

  #nextRequest(): void {
    this.#state = State.Head;
    this.#req = null;
    if (this.#pending !== null) {
      this.deadline = this.#host.clock.now() + this.#host.headersTimeoutMs;
      this.#again = true;
      return;
    }
    this.#kept = true;
    this.deadline = this.#host.clock.now() + this.#host.keepAliveTimeoutMs;
    this.#resume();
  }

  /** Half-closes after the last answer and reads what the client still sends until it closes. */
  #linger(): void {
    if (this.#state === State.Closing || this.#state === State.Closed) return;
    this.#state = State.Closing;
    this.#pending = null;
    this.body.end();
    this.deadline = this.#host.clock.now() + Math.min(lingerMs, this.#host.keepAliveTimeoutMs);
    this.#socket.end();
    this.#resume();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#socket.resume();
  }

  /** The client closed its side: between requests that ends the connection; during one, the client left (as nginx and node:http count it, 499). */
  #onEnd = (): void => {
    if (this.#state === State.Head) this.#linger();
    else if (this.#state === State.Request) this.#socket.destroy();
  };

  #onDrain = (): void => void this.#exchange?.onClientDrain();

  #onClose = (): void => {
    this.#state = State.Closed;
    this.#pending = null;
    this.deadline = Infinity;
    this.body.end();
    this.#host.forget(this);
    const exchange = this.#exchange;
    this.#exchange = null;
    exchange?.onClientClose();
  };
}

function ignore(): void {}
