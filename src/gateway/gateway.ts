/**
 * The gateway: one HTTP listener in front of every app (DESIGN §4, request path). It routes by
 * Host, admits (auth, availability), hands each request to its app's route (endpoint or wake
 * queue), and proxies it. Toward the control plane it is a RouteControl; toward the autoscaler a
 * StatsSource (`collect`); toward /metrics it offers `requestMetrics()` (every app), and toward
 * the per-second telemetry `changedRequestMetrics()`, which reads only the apps whose counts
 * moved, so its cost follows the apps with traffic rather than the apps registered.
 *
 * The listener is a plain TCP server: each client connection speaks HTTP/1.1 through
 * client-connection.ts, ebb's own strict reader and writer, because node:http's server side
 * (IncomingMessage, ServerResponse, the parser's callbacks) cost more per request than the rest
 * of the proxy (docs/performance.md). Client deadlines (head, idle keep-alive, lingering close)
 * are checked by one sweep on the gateway's Clock rather than a timer per request; each app's
 * `requestTimeoutMs` bounds a request once its head is read.
 *
 * Lifecycle: `close()` stops accepting, answers waiting requests 503 GATEWAY_SHUTTING_DOWN, lets
 * in-flight requests finish (their answers close their connections), closes idle connections and
 * ends tunnels; `destroy(err)` drops every connection at once.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";
import type { Clock, Timer } from "../kit/clock.js";
import { once, type Closable } from "../kit/lifecycle.js";
import type { Logger } from "../kit/log.js";
import { createAdmission, shuttingDown } from "./admission.js";
import { AppRoute, type RouteDeps } from "./app-route.js";
import { ClientConnection, type ConnectionHost } from "./client-connection.js";
import { DateField } from "./client-response.js";
import { resolveGatewayConfig, type GatewayOptions } from "./config.js";
import type { ExchangeContext } from "./exchange.js";
import { readRequestHead } from "./forward-headers.js";
import { HttpExchange } from "./http-exchange.js";
import type { ParsedRequest } from "./request-head.js";
import type { RequestMetricsSnapshot } from "./request-metrics.js";
import { RouteTable } from "./route-table.js";
import { emptySample, type TrafficSample } from "../spec/traffic.js";
import { TunnelExchange } from "./tunnel-exchange.js";
import type { Availability, GatewayEndpoint, GatewayHooks, RouteControl, RouteSettings } from "./types.js";

export interface Gateway extends RouteControl, Closable {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<{ port: number }>;
  /** StatsSource (autoscaler/types.ts): reads and resets the app's interval counters. */
  collect(app: string, nowMs: number): TrafficSample;
  /** Every app's answers by status, durations, in-flight and waiting requests. */
  requestMetrics(): RequestMetricsSnapshot;
  /**
   * The same for the apps whose counts changed since the previous call, plus those with requests
   * in flight or waiting now (so a long request shows every time). Each call starts a new
   * interval, so it has one reader: the telemetry recorder.
   */
  changedRequestMetrics(): RequestMetricsSnapshot;
}

export interface GatewayDeps {
  clock: Clock;
  log: Logger;
}

export function createGateway(options: GatewayOptions, hooks: GatewayHooks, deps: GatewayDeps): Gateway {
  const cfg = resolveGatewayConfig(options);
  const log = deps.log.child({ component: "gateway" });
  const table = new RouteTable();
  const tunnels = new Set<TunnelExchange>();
  const admit = createAdmission(table, cfg.authToken, cfg.retryAfterSec);
  /** Routes whose `changed` flag is set, each once; bounded by the routes made since the last read. */
  let changed: AppRoute[] = [];
  const routeDeps: RouteDeps = {
    clock: deps.clock,
    hooks,
    log,
    pool: { connectTimeoutMs: cfg.upstreamConnectTimeoutMs, idleTimeoutMs: cfg.upstreamIdleTimeoutMs },
    defaultWakeQueueLimit: cfg.defaultWakeQueueLimit,
    retryAfterSec: cfg.retryAfterSec,
    touched(route) {
      route.changed = true;
      changed.push(route);
    },
  };
  let unrouted = 0;
  let active = 0;
  let closing = false;
  let destroyed = false;
  let onIdle: (() => void) | null = null;

  const conns = new Set<ClientConnection>();
  const date = new DateField();
  let sweeper: Timer | null = null;

  const ctx: ExchangeContext = {
    clock: deps.clock,
    hooks,
    log,
    get closing() {
      return closing;
    },
    opened: () => void active++,
    closed: () => {
      active--;
      if (!closing) return;
      closeIdle();
      if (active === 0) onIdle?.();
    },
  };

  /** Counts a refused request: per app when the Host matched one, else as unrouted. */
  const refused = (route: AppRoute | null, status: number): void => {
    if (route === null) unrouted++;
    else route.record(status, 0);
  };

  const front: ConnectionHost = {
    clock: deps.clock,
    limits: { maxHeadBytes: cfg.maxHeaderBytes, maxHeaderCount: cfg.maxHeaderCount },
    headersTimeoutMs: cfg.headersTimeoutMs,
    keepAliveTimeoutMs: cfg.keepAliveTimeoutMs,
    get closing() {
      return closing;
    },
    request(conn: ClientConnection, req: ParsedRequest) {
      const head = readRequestHead(req.raw);
      const v = admit(head, closing);
      if (v.refusal !== null) return refused(v.route, conn.sendError(v.refusal.err, v.refusal.opts));
      new HttpExchange(ctx, v.route, head, conn, req).start();
    },
    upgrade(conn: ClientConnection, req: ParsedRequest) {
      const head = readRequestHead(req.raw);
      const v = admit(head, closing);
      // The client may send the new protocol's bytes right after the head: a refusal closes.
      if (v.refusal !== null) return refused(v.route, conn.sendError(v.refusal.err, { ...v.refusal.opts, close: true }));
      const { socket, head: firstPacket } = conn.handOver();
      new TunnelExchange(ctx, v.route, head, req, socket, firstPacket, conn.remoteAddress, tunnels).start();
    },
    forget(conn: ClientConnection) {
      conns.delete(conn);
    },
  };

  const closeIdle = (): void => {
    for (const conn of conns) conn.closeIfIdle();
  };

  /** Ends the connections whose deadline passed (a head too slow, an idle keep-alive, a lingering close). */
  const sweep = (): void => {
    const now = deps.clock.now();
    for (const conn of conns) if (conn.deadline <= now) conn.destroy();
  };

  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket: Socket) => {
    if (closing) return void socket.destroy();
    conns.add(new ClientConnection(socket, front, date));
  });

  const close = once(async () => {
    closing = true;
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const route of table.apps()) route.flush(shuttingDown(), { retryAfterSec: cfg.retryAfterSec, close: true });
    for (const t of tunnels) t.close();
    closeIdle();
    if (active > 0) await new Promise<void>((resolve) => (onIdle = resolve));
    closeIdle();
    await serverClosed;
    sweeper?.cancel();
    for (const route of table.apps()) route.endpoints.destroy();
    log.info("gateway closed");
  });

  return {
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(cfg.port, cfg.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const port = (server.address() as AddressInfo).port;
      sweeper ??= deps.clock.setInterval(sweep, sweepIntervalMs(cfg.headersTimeoutMs, cfg.keepAliveTimeoutMs));
      log.info("gateway listening", { host: cfg.host, port });
      return { port };
    },

    close,

    destroy(err?: Error) {
      if (destroyed) return;
      destroyed = true;
      closing = true;
      if (err) log.error("gateway destroyed", { err });
      if (server.listening) server.close();
      sweeper?.cancel();
      for (const conn of conns) conn.destroy();
      for (const t of tunnels) t.destroy();
      for (const route of table.apps()) {
        route.flush(shuttingDown(), { close: true });
        route.endpoints.destroy();
      }
      onIdle?.();
    },

    upsertApp(settings: RouteSettings) {
      const route = table.get(settings.app) ?? new AppRoute(settings, routeDeps);
      route.update(settings);
      const moved = table.set(route, settings.hosts);
      if (moved.length > 0) log.warn("host names moved to another app", { app: settings.app, hosts: moved });
    },

    removeApp(app: string) {
      table.delete(app)?.remove();
    },

    setAvailability(app: string, availability: Availability) {
      const route = table.get(app);
      if (route) route.setAvailability(availability);
      else log.debug("availability for an unknown app ignored", { app });
    },

    addEndpoint(app: string, endpoint: GatewayEndpoint) {
      const route = table.get(app);
      if (route) route.addEndpoint(endpoint);
      else log.warn("endpoint for an unknown app ignored", { app, endpoint: endpoint.id });
    },

    removeEndpoint(app: string, id: string) {
      table.get(app)?.removeEndpoint(id);
    },

    drainEndpoint(app: string, id: string, timeoutMs: number) {
      return table.get(app)?.drainEndpoint(id, timeoutMs) ?? Promise.resolve();
    },

    collect(app: string, nowMs: number) {
      return table.get(app)?.collect(nowMs) ?? emptySample();
    },

    requestMetrics() {
      const apps = [];
      for (const r of table.apps()) apps.push(r.metricsSnapshot());
      return { apps, unrouted };
    },

    changedRequestMetrics() {
      const read = changed;
      changed = [];
      const apps = [];
      for (const r of read) {
        r.changed = false;
        if (table.get(r.name) !== r) continue;
        apps.push(r.metricsSnapshot());
        // Still busy: it stays in the next read even if nothing else moves.
        if (r.stats.inflight > 0 || r.queue.length > 0) routeDeps.touched(r);
      }
      return { apps, unrouted };
    },
  };
}

/** How often deadlines are checked: a quarter of the shorter timeout, between 10 ms and 1 s. */
function sweepIntervalMs(headersTimeoutMs: number, keepAliveTimeoutMs: number): number {
  return Math.max(10, Math.min(1000, Math.floor(Math.min(headersTimeoutMs, keepAliveTimeoutMs) / 4)));
}
