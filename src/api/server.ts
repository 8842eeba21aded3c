/**
 * The REST API server (docs/api.md): plain node:http, JSON in and out, bearer-token auth on every
 * `/api/*` route and `/metrics`, errors mapped to statuses in http-errors.ts only. With a
 * `staticDir` it also serves the console's files on other GET paths. `close()` stops taking
 * connections, ends live streams cleanly and waits for calls in flight; `destroy()` drops all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ControlApi } from "../control/types.js";
import { systemClock, type Clock } from "../kit/clock.js";
import { EbbError } from "../kit/errors.js";
import { once } from "../kit/lifecycle.js";
import type { Logger } from "../kit/log.js";
import { errorResponse, type ErrorBody } from "./http-errors.js";
import { bearerMatches } from "./request.js";
import { apiRouter, type ApiContext, type Reply } from "./routes.js";
import { SseStreams } from "./sse.js";
import { serveStatic } from "./static-files.js";

export interface ApiServerConfig {
  /** Interface to bind, e.g. "127.0.0.1". */
  host: string;
  /** TCP port; 0 picks a free one (see `listen()`'s result). */
  port: number;
  /** The bearer token every `/api/*` call and `/metrics` must carry. */
  token: string;
  /** Largest request body accepted. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Interval of SSE heartbeat comments. Default 15 000 ms. */
  heartbeatMs?: number;
  /** Live SSE streams allowed at once. Default 100. */
  maxStreams?: number;
  /** Unsent bytes a stream may hold before its slow client is cut off. Default 1 MiB. */
  streamBufferBytes?: number;
  /** Most stored events replayed to a resuming stream. Default 1000. */
  replayLimit?: number;
  /** Open TCP connections accepted at once. Default 512. */
  maxConnections?: number;
}

export const apiDefaults = Object.freeze({
  bodyLimitBytes: 1024 * 1024,
  heartbeatMs: 15_000,
  maxStreams: 100,
  streamBufferBytes: 1024 * 1024,
  replayLimit: 1000,
  maxConnections: 512,
});

export interface ApiServerDeps {
  control: ControlApi;
  /** Prometheus text exposition for `/metrics`; without it `/metrics` is 404. */
  metrics?: () => string;
  /** Folder of the console's built files, served on non-API GETs. */
  staticDir?: string;
  log: Logger;
  /** Drives SSE heartbeats and default time ranges. Default the system clock. */
  clock?: Clock;
}

export interface ApiServer {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
  destroy(err?: Error): void;
}

export function createApiServer(config: ApiServerConfig, deps: ApiServerDeps): ApiServer {
  const cfg = {
    host: config.host,
    port: config.port,
    token: config.token,
    bodyLimitBytes: config.bodyLimitBytes ?? apiDefaults.bodyLimitBytes,
    heartbeatMs: config.heartbeatMs ?? apiDefaults.heartbeatMs,
    maxStreams: config.maxStreams ?? apiDefaults.maxStreams,
    streamBufferBytes: config.streamBufferBytes ?? apiDefaults.streamBufferBytes,
    replayLimit: config.replayLimit ?? apiDefaults.replayLimit,
    maxConnections: config.maxConnections ?? apiDefaults.maxConnections,
  };
  const log = deps.log.child({ component: "api" });
  const clock = deps.clock ?? systemClock;
  const streams = new SseStreams(cfg.maxStreams, {
    clock,
    heartbeatMs: cfg.heartbeatMs,
    maxBufferedBytes: cfg.streamBufferBytes,
  });
  const ctx: ApiContext = {
    control: deps.control,
    metrics: deps.metrics,
    streams,
    bodyLimitBytes: cfg.bodyLimitBytes,
    replayLimit: cfg.replayLimit,
    now: () => clock.now(),
  };
  const router = apiRouter();
  let closing = false;
  const respond = (res: ServerResponse, reply: Reply | { status: number; body: ErrorBody }): void => {
    if (closing) res.setHeader("connection", "close");
    send(res, reply);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://ebb.invalid");
    const method = req.method ?? "GET";
    const found = router.match(method, url.pathname);
    if (found && "route" in found) {
      if (found.route.auth && !bearerMatches(req.headers.authorization, cfg.token)) {
        throw new EbbError("API_UNAUTHORIZED", "missing or wrong API token: send 'Authorization: Bearer <token>' (see `ebb token`)");
      }
      const reply = await found.route.handler(ctx, { req, res, params: found.params, query: url.searchParams });
      if (reply) respond(res, reply);
      return;
    }
    const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
    if (!isApi && deps.staticDir && (method === "GET" || method === "HEAD")) {
      if (await serveStatic(deps.staticDir, req, res, url.pathname)) return;
    }
    const hint = found ? `; ${found.allowed.join(", ")} only` : "";
    throw new EbbError("API_NOT_FOUND", `no route ${method} ${url.pathname}${hint}`, { method, path: url.pathname });
  }

  // Requests in flight per connection: close() ends a connection as soon as it has none, since
  // Node's closeIdleConnections() leaves alone connections that never carried a request.
  const connections = new Map<Socket, number>();
  const endIfIdle = (socket: Socket): void => {
    if (closing && connections.get(socket) === 0) socket.destroy();
  };

  const server = createServer((req, res) => {
    const socket = req.socket;
    connections.set(socket, (connections.get(socket) ?? 0) + 1);
    res.once("close", () => {
      if (connections.has(socket)) connections.set(socket, connections.get(socket)! - 1);
      endIfIdle(socket);
    });
    handle(req, res).catch((err: unknown) => {
      const { status, body } = errorResponse(err, log);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // An unread body (413) cannot be skipped on a keep-alive connection: close it instead.
      if (status === 413) res.setHeader("connection", "close");
      respond(res, { status, body });
    });
  });
  server.maxConnections = cfg.maxConnections;
  server.on("connection", (socket: Socket) => {
    connections.set(socket, 0);
    socket.once("close", () => connections.delete(socket));
    endIfIdle(socket);
  });

  const close = once(async () => {
    closing = true;
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    streams.closeAll();
    for (const socket of connections.keys()) endIfIdle(socket);
    await done;
  });

  return {
    listen: () =>
      new Promise((done, fail) => {
        server.once("error", fail);
        server.listen(cfg.port, cfg.host, () => {
          server.off("error", fail);
          const port = (server.address() as AddressInfo).port;
          log.info("api listening", { host: cfg.host, port });
          done({ port });
        });
      }),
    close,
    destroy(err?: Error) {
      if (err) log.warn("api destroyed", { err });
      closing = true;
      streams.destroyAll();
      server.close();
      for (const socket of connections.keys()) socket.destroy();
    },
  };
}

function send(res: ServerResponse, reply: Reply | { status: number; body: ErrorBody }): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const contentType = "contentType" in reply && reply.contentType ? reply.contentType : "application/json; charset=utf-8";
  const text = typeof reply.body === "string" && !contentType.startsWith("application/json") ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { "content-type": contentType, "content-length": Buffer.byteLength(text) }).end(text);
}
