/**
 * The proxy for one plain HTTP request (DESIGN §4): forwards it to the chosen replica through the
 * endpoint's keep-alive pool and streams both bodies with backpressure (`pipe`), never buffering
 * them: chunked uploads go on chunk by chunk, SSE events are written as they arrive.
 *
 * Failure answers: connect failure -> retry elsewhere (exchange.ts); the replica failing before
 * its response started -> 502 GATEWAY_UPSTREAM_FAILED; after it started -> the client connection
 * is destroyed, since the status line is already sent. Timeout before the response -> 504,
 * after -> destroyed. A client that goes away aborts the upstream request.
 *
 * Event handlers are module functions that find their exchange through a symbol-keyed field, so
 * a request allocates no closures beyond its timer callback.
 */
import { request, type ClientRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { EbbError } from "../kit/errors.js";
import type { AppRoute } from "./app-route.js";
import type { UpstreamEndpoint } from "./endpoint-set.js";
import { Exchange, type ExchangeContext } from "./exchange.js";
import { downstreamResponseHeaders, upstreamRequestHeaders, type RequestHead } from "./forward-headers.js";
import { clientClosedStatus } from "./request-metrics.js";
import { sendError, type AnswerOptions } from "./respond.js";

const kExchange = Symbol("ebb.httpExchange");
type Tagged<T> = T & { [kExchange]: HttpExchange };

export class HttpExchange extends Exchange {
  #upstream: ClientRequest | null = null;
  #headers: string[] | null = null;

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
    this.#headers ??= upstreamRequestHeaders(req.rawHeaders, this.head, {
      stripAuthorization: this.route.settings.requiresAuth,
      clientIp: req.socket.remoteAddress ?? "",
      upgrade: false,
    });
    const up = request({ host: ep.host, port: ep.port, method: req.method, path: req.url, headers: this.#headers, agent: ep.agent, setHost: false });
    (up as Tagged<ClientRequest>)[kExchange] = this;
    this.#upstream = up;
    up.on("response", onUpstreamResponse);
    up.on("error", onUpstreamError);
    if (this.head.hasBody) up.on("socket", onUpstreamSocket);
    else up.end();
  }

  answer(err: EbbError, opts: AnswerOptions = {}): void {
    this.disarm();
    this.#abortUpstream();
    const res = this.res;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    sendError(res, err, this.ctx.closing ? { ...opts, close: true } : opts);
  }

  protected timedOut(): void {
    this.answer(this.timeoutError());
  }

  /** The body goes out only once the connection is open, so a refused connect can still be retried. */
  sendBody(up: ClientRequest): void {
    if (up === this.#upstream) this.req.pipe(up);
  }

  onUpstreamResponse(up: ClientRequest, ures: IncomingMessage): void {
    if (up !== this.#upstream || this.res.headersSent) {
      ures.resume();
      return;
    }
    if (this.ctx.closing) this.res.shouldKeepAlive = false;
    this.res.writeHead(ures.statusCode ?? 502, ures.statusMessage, downstreamResponseHeaders(ures.rawHeaders));
    this.firstByte();
    (ures as Tagged<IncomingMessage>)[kExchange] = this;
    ures.on("close", onUpstreamResponseClose);
    ures.pipe(this.res);
  }

  onUpstreamError(up: ClientRequest, err: NodeJS.ErrnoException): void {
    if (up !== this.#upstream) return;
    this.#upstream = null;
    if (this.res.headersSent) {
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

function onUpstreamResponse(this: Tagged<ClientRequest>, ures: IncomingMessage): void {
  this[kExchange].onUpstreamResponse(this, ures);
}

function onUpstreamError(this: Tagged<ClientRequest>, err: Error): void {
  this[kExchange].onUpstreamError(this, err);
}

function onUpstreamSocket(this: Tagged<ClientRequest>, socket: Socket): void {
  if (!socket.connecting) return this[kExchange].sendBody(this);
  const up = this;
  socket.once("connect", () => up[kExchange].sendBody(up));
}

/** The replica's response closed: if it was cut short, so is the client's. */
function onUpstreamResponseClose(this: Tagged<IncomingMessage>): void {
  if (!this.complete) this[kExchange].res.destroy();
}
