/**
 * The proxy for one plain HTTP request (DESIGN §4): sends it to the chosen replica on a pooled
 * keep-alive connection (upstream-pool.ts) and streams both bodies with backpressure, never
 * buffering them: chunked uploads go on chunk by chunk, SSE events are written as they arrive.
 * A small answer read in one piece is written to the client with one `end` (head and body in
 * one write).
 *
 * Failure answers: connect failure -> retry elsewhere (exchange.ts); the replica failing before
 * its response started -> 502 GATEWAY_UPSTREAM_FAILED; after it started -> the client connection
 * is destroyed, since the status line is already sent. Timeout before the response -> 504,
 * after -> destroyed. A client that goes away aborts the upstream request.
 *
 * The exchange is the connection's ResponseSink, and its one client-side listener is a module
 * function that finds it through a symbol-keyed field, so a request allocates no closures
 * beyond its timer callback (and a drain callback when the client reads slower than the
 * replica writes).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EbbError } from "../kit/errors.js";
import type { AppRoute } from "./app-route.js";
import type { UpstreamEndpoint } from "./endpoint-set.js";
import { Exchange, type ExchangeContext } from "./exchange.js";
import { downstreamResponseHeaders, requestHeadText, upstreamRequestHeaders, type RequestHead } from "./forward-headers.js";
import { clientClosedStatus } from "./request-metrics.js";
import { sendError, type AnswerOptions } from "./respond.js";
import type { ResponseSink, UpstreamConnection } from "./upstream-pool.js";

const kExchange = Symbol("ebb.httpExchange");
type Tagged<T> = T & { [kExchange]: HttpExchange };

export class HttpExchange extends Exchange implements ResponseSink {
  #upstream: UpstreamConnection | null = null;
  #requestHead: string | null = null;
  /** The replica's response head was written to the client. */
  #responding = false;
  #awaitingDrain = false;

  constructor(
    ctx: ExchangeContext,
    route: AppRoute,
    head: RequestHead,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    super(ctx, route, head);
    (res as Tagged<ServerResponse>)[kExchange] = this;
    res.on("close", onClientClose);
  }

  protected connect(ep: UpstreamEndpoint): void {
    const req = this.req;
    this.#requestHead ??= requestHeadText(
      req.method!,
      req.url!,
      upstreamRequestHeaders(req.rawHeaders, this.head, {
        stripAuthorization: this.route.settings.requiresAuth,
        clientIp: req.socket.remoteAddress ?? "",
        upgrade: false,
      }),
    );
    const conn = ep.pool.acquire();
    this.#upstream = conn;
    conn.send(this, this.#requestHead, this.head.hasBody ? req : null, this.head.chunked, req.method === "HEAD");
  }

  answer(err: EbbError, opts: AnswerOptions = {}): void {
    this.disarm();
    this.#abortUpstream();
    const res = this.res;
    if (res.headersSent || this.#responding || res.destroyed) {
      res.destroy();
      return;
    }
    sendError(res, err, this.ctx.closing ? { ...opts, close: true } : opts);
  }

  protected timedOut(): void {
    this.answer(this.timeoutError());
  }

  // ---- ResponseSink: what the replica's connection reports ----

  onHead(status: number, reason: string, raw: string[]): void {
    const res = this.res;
    if (this.ctx.closing) res.shouldKeepAlive = false;
    res.writeHead(status, reason, downstreamResponseHeaders(raw));
    this.#responding = true;
    this.firstByte();
  }

  onBody(chunk: Buffer): boolean {
    if (this.res.write(chunk)) return true;
    if (!this.#awaitingDrain) {
      this.#awaitingDrain = true;
      this.res.once("drain", () => {
        this.#awaitingDrain = false;
        this.#upstream?.resume();
      });
    }
    return false;
  }

  onComplete(tail: Buffer | null): void {
    this.#upstream = null;
    if (tail === null) this.res.end();
    else this.res.end(tail);
  }

  onFail(err: NodeJS.ErrnoException): void {
    this.#upstream = null;
    if (this.#responding) {
      this.res.destroy();
      return;
    }
    this.upstreamFailed(err);
  }

  onClientClose(): void {
    const res = this.res;
    if (!res.writableFinished) this.#abortUpstream();
    this.end(res.headersSent ? res.statusCode : clientClosedStatus);
  }

  #abortUpstream(): void {
    const up = this.#upstream;
    if (up === null) return;
    this.#upstream = null;
    up.destroy();
  }
}

function onClientClose(this: Tagged<ServerResponse>): void {
  this[kExchange].onClientClose();
}
