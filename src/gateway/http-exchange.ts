/**
 * The proxy for one plain HTTP request (DESIGN §4): sends it to the chosen replica on a pooled
 * keep-alive connection (upstream-pool.ts) and streams both bodies with backpressure, never
 * buffering them: the client's body is read from its connection only as fast as the replica's
 * connection takes it, and the answer is written to the client as the replica sends it (SSE
 * events one by one). A small answer read in one piece goes to the client in one write.
 *
 * Failure answers: connect failure -> retry elsewhere (exchange.ts); the replica failing before
 * its response started -> 502 GATEWAY_UPSTREAM_FAILED; after it started -> the client connection
 * is destroyed, since the status line is already sent. Timeout before the response -> 504,
 * after -> destroyed. A client that goes away aborts the upstream request; one whose body turns
 * out malformed gets 400 and the upstream request is aborted.
 *
 * The exchange is both the replica connection's ResponseSink and the client connection's
 * ClientExchange, so a request allocates no closures beyond its timer callback.
 */
import type { EbbError } from "../kit/errors.js";
import type { AppRoute } from "./app-route.js";
import type { ClientConnection } from "./client-connection.js";
import type { UpstreamEndpoint } from "./endpoint-set.js";
import { Exchange, type ClientExchange, type ExchangeContext } from "./exchange.js";
import { requestHeadText, upstreamRequestHeaders, type RequestHead } from "./forward-headers.js";
import { BodyKind, type ParsedRequest } from "./request-head.js";
import { clientClosedStatus } from "./request-metrics.js";
import type { AnswerOptions } from "./respond.js";
import type { ResponseSink, UpstreamConnection } from "./upstream-pool.js";

export class HttpExchange extends Exchange implements ResponseSink, ClientExchange {
  #upstream: UpstreamConnection | null = null;
  #requestHead: string | null = null;
  /** The replica's status, once its head was handed to the client connection. */
  #status = clientClosedStatus;
  #responding = false;
  #awaitingDrain = false;

  constructor(
    ctx: ExchangeContext,
    route: AppRoute,
    head: RequestHead,
    readonly conn: ClientConnection,
    readonly req: ParsedRequest,
  ) {
    super(ctx, route, head);
    conn.attach(this);
  }

  protected connect(ep: UpstreamEndpoint): void {
    const req = this.req;
    this.#requestHead ??= requestHeadText(
      req.method,
      req.target,
      upstreamRequestHeaders(req.raw, this.head, {
        stripAuthorization: this.route.settings.requiresAuth,
        clientIp: this.conn.remoteAddress,
        upgrade: false,
      }),
    );
    const conn = ep.pool.acquire();
    this.#upstream = conn;
    conn.send(this, this.#requestHead, req.body === BodyKind.None ? null : this.conn.body, req.body === BodyKind.Chunked, req.method === "HEAD");
  }

  answer(err: EbbError, opts: AnswerOptions = {}): void {
    this.disarm();
    this.#abortUpstream();
    if (this.ended) return;
    if (this.#responding) return this.conn.destroy();
    this.end(this.conn.sendError(err, opts));
  }

  protected timedOut(): void {
    this.answer(this.timeoutError());
  }

  // ---- ResponseSink: what the replica's connection reports ----

  onHead(status: number, reason: string, raw: string[], bodyLength: number): void {
    this.#status = status;
    this.#responding = true;
    this.conn.startResponse(status, reason, raw, bodyLength);
    this.firstByte();
  }

  onBody(chunk: Buffer): boolean {
    if (this.conn.out.body(chunk)) return true;
    this.#awaitingDrain = true;
    return false;
  }

  holdsPieces(): boolean {
    return this.conn.out.socket.writableLength > 0;
  }

  onReadDone(): void {
    this.conn.out.flushHead();
  }

  onComplete(tail: Buffer | null): void {
    this.#upstream = null;
    this.conn.endResponse(tail);
    this.end(this.#status);
  }

  onFail(err: NodeJS.ErrnoException): void {
    this.#upstream = null;
    if (this.#responding) return this.conn.destroy();
    this.upstreamFailed(err);
  }

  // ---- ClientExchange: what the client's connection reports ----

  onClientDrain(): void {
    if (!this.#awaitingDrain) return;
    this.#awaitingDrain = false;
    this.#upstream?.resume();
  }

  onClientClose(): void {
    this.#abortUpstream();
    this.end(this.#status);
  }

  #abortUpstream(): void {
    const up = this.#upstream;
    if (up === null) return;
    this.#upstream = null;
    up.destroy();
  }
}
