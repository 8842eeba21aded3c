/**
 * The proxy for an Upgrade request (WebSocket and other protocols, RFC 9110 §7.8): it is routed,
 * authorised, queued and balanced like any request, then the upgrade request is forwarded with
 * `Connection: Upgrade` kept, and on the replica's 101 the status line and headers are written
 * back and the two sockets are piped into each other. The tunnel counts as one request in flight
 * until either side closes, so a drain waits for it; the request timeout stops at the 101.
 * A replica that declines the upgrade gets its answer relayed, delimited by closing the connection.
 */
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { EbbError } from "../kit/errors.js";
import type { AppRoute } from "./app-route.js";
import type { UpstreamEndpoint } from "./endpoint-set.js";
import { Exchange, type ExchangeContext } from "./exchange.js";
import { downstreamResponseHeaders, upstreamRequestHeaders, type RequestHead } from "./forward-headers.js";
import type { ParsedRequest } from "./request-head.js";
import { clientClosedStatus } from "./request-metrics.js";
import { writeErrorToSocket, type AnswerOptions } from "./respond.js";

export class TunnelExchange extends Exchange {
  #upstream: ClientRequest | null = null;
  #upstreamSocket: Duplex | null = null;
  /** What the client was sent: 101, a relayed or error status, or nothing yet. */
  #status = clientClosedStatus;

  constructor(
    ctx: ExchangeContext,
    route: AppRoute,
    head: RequestHead,
    readonly req: ParsedRequest,
    readonly socket: Duplex,
    readonly firstPacket: Buffer,
    readonly clientIp: string,
    readonly tunnels: Set<TunnelExchange>,
  ) {
    super(ctx, route, head);
    socket.on("error", ignore);
    socket.on("close", () => this.#onClientClose());
  }

  protected connect(ep: UpstreamEndpoint): void {
    const headers = upstreamRequestHeaders(this.req.raw, this.head, {
      stripAuthorization: this.route.settings.requiresAuth,
      clientIp: this.clientIp,
      upgrade: true,
    });
    const up = request({ host: ep.host, port: ep.port, method: this.req.method, path: this.req.target, headers, agent: ep.agent, setHost: false });
    this.#upstream = up;
    up.on("upgrade", (ures: IncomingMessage, usocket: Duplex, uhead: Buffer) => this.#onUpgrade(up, ures, usocket, uhead));
    up.on("response", (ures: IncomingMessage) => this.#onDeclined(up, ures));
    up.on("error", (err: NodeJS.ErrnoException) => this.#onUpstreamError(up, err));
    up.end();
  }

  answer(err: EbbError, opts: AnswerOptions = {}): void {
    this.disarm();
    this.#abortUpstream();
    if (this.#status !== clientClosedStatus) {
      this.socket.destroy();
      return;
    }
    this.#status = writeErrorToSocket(this.socket, err, opts);
  }

  protected timedOut(): void {
    this.answer(this.timeoutError());
  }

  /** Ends both directions (the gateway is closing). */
  close(): void {
    this.#upstreamSocket?.end();
    this.socket.end();
  }

  destroy(): void {
    this.#upstreamSocket?.destroy();
    this.socket.destroy();
  }

  #onUpgrade(up: ClientRequest, ures: IncomingMessage, usocket: Duplex, uhead: Buffer): void {
    if (up !== this.#upstream || this.socket.destroyed) {
      usocket.destroy();
      return;
    }
    this.disarm();
    this.#upstreamSocket = usocket;
    const h = downstreamResponseHeaders(ures.rawHeaders);
    let text = `HTTP/1.1 101 ${ures.statusMessage || "Switching Protocols"}\r\n`;
    for (let i = 0; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
    text += `Connection: Upgrade\r\nUpgrade: ${ures.headers.upgrade ?? this.head.upgrade}\r\n\r\n`;
    this.socket.write(text);
    if (uhead.length > 0) this.socket.write(uhead);
    if (this.firstPacket.length > 0) usocket.write(this.firstPacket);
    this.#status = 101;
    this.firstByte();
    this.tunnels.add(this);
    usocket.on("error", ignore);
    usocket.on("close", () => this.socket.destroy());
    usocket.pipe(this.socket);
    this.socket.pipe(usocket);
  }

  /** The replica answered without switching protocols: relay its answer, then close. */
  #onDeclined(up: ClientRequest, ures: IncomingMessage): void {
    if (up !== this.#upstream || this.#status !== clientClosedStatus) {
      ures.resume();
      return;
    }
    const h = downstreamResponseHeaders(ures.rawHeaders);
    let text = `HTTP/1.1 ${ures.statusCode} ${ures.statusMessage ?? ""}\r\n`;
    for (let i = 0; i < h.length; i += 2) if (h[i]!.toLowerCase() !== "content-length") text += `${h[i]}: ${h[i + 1]}\r\n`;
    this.socket.write(text + "Connection: close\r\n\r\n");
    this.#status = ures.statusCode ?? 502;
    this.firstByte();
    ures.on("close", () => {
      if (!ures.complete) this.socket.destroy();
    });
    ures.pipe(this.socket);
  }

  #onUpstreamError(up: ClientRequest, err: NodeJS.ErrnoException): void {
    if (up !== this.#upstream) return;
    this.#upstream = null;
    if (this.#status !== clientClosedStatus) {
      this.socket.destroy();
      return;
    }
    this.upstreamFailed(err);
  }

  #onClientClose(): void {
    this.#abortUpstream();
    this.#upstreamSocket?.destroy();
    this.tunnels.delete(this);
    this.end(this.#status);
  }

  #abortUpstream(): void {
    const up = this.#upstream;
    if (up === null) return;
    this.#upstream = null;
    up.destroy();
  }
}

function ignore(): void {}
