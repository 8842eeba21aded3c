/**
 * The ready endpoints of one app and the balancing among them: least in-flight among the
 * endpoints that are not draining and are under the app's `concurrencyLimit`, ties broken round
 * robin (the scan starts one further on each pick). Each endpoint owns a keep-alive pool
 * (upstream-pool.ts) reused by every plain request sent to it, an http.Agent for Upgrade requests
 * (made on the first one), and counts the requests it serves so that a drain can wait for them.
 * Endpoint counts are small (an app's replicas), so a linear scan is cheaper than keeping a heap
 * in order.
 */
import { Agent, type ClientRequestArgs } from "node:http";
import { connect, type NetConnectOpts, type Socket } from "node:net";
import type { Clock } from "../kit/clock.js";
import type { GatewayEndpoint } from "./types.js";
import { UpstreamPool, type PoolOptions } from "./upstream-pool.js";

export type { PoolOptions } from "./upstream-pool.js";

const kConnectTimer = Symbol("ebb.connectTimer");
type TimedSocket = Socket & { [kConnectTimer]?: NodeJS.Timeout };

/** A keep-alive pool whose new connections fail with `syscall: "connect"` if not open in time. */
class UpstreamAgent extends Agent {
  readonly #connectTimeoutMs: number;

  constructor(opts: PoolOptions) {
    // LIFO reuses the most recently used connection and lets the others expire when traffic falls.
    super({ keepAlive: true, scheduling: "lifo", timeout: opts.idleTimeoutMs });
    this.#connectTimeoutMs = opts.connectTimeoutMs;
  }

  override createConnection(options: ClientRequestArgs): Socket {
    const socket: TimedSocket = connect(options as NetConnectOpts);
    socket[kConnectTimer] = setTimeout(abandonConnect, this.#connectTimeoutMs, socket).unref();
    socket.once("connect", clearConnectTimer);
    socket.once("close", clearConnectTimer);
    return socket;
  }
}

function abandonConnect(socket: TimedSocket): void {
  if (!socket.connecting) return;
  const err: NodeJS.ErrnoException = new Error("timed out connecting to the replica");
  err.code = "ETIMEDOUT";
  err.syscall = "connect";
  socket.destroy(err);
}

function clearConnectTimer(this: TimedSocket): void {
  clearTimeout(this[kConnectTimer]);
}

export class UpstreamEndpoint {
  inflight = 0;
  draining = false;
  removed = false;
  readonly pool: UpstreamPool;
  drainWaiters: Array<() => void> = [];
  #agent: Agent | null = null;

  constructor(readonly id: string, readonly host: string, readonly port: number, readonly revision: number, readonly options: PoolOptions) {
    this.pool = new UpstreamPool(host, port, options);
  }

  /** The keep-alive agent for Upgrade requests (node:http hands their sockets over on 101). */
  get agent(): Agent {
    return (this.#agent ??= new UpstreamAgent(this.options));
  }

  /** Closes every connection to the replica, busy ones included. */
  closeConnections(): void {
    this.pool.destroy();
    this.#agent?.destroy();
  }
}

export class EndpointSet {
  #list: UpstreamEndpoint[] = [];
  #cursor = 0;
  #ready = 0;

  constructor(readonly pool: PoolOptions, readonly clock: Clock) {}

  /** Endpoints that take new requests (not draining), at their limit or not. */
  get readyCount(): number {
    return this.#ready;
  }

  get(id: string): UpstreamEndpoint | undefined {
    return this.#list.find((e) => e.id === id);
  }

  /** Adds a ready endpoint; the same id at the same address is taken back from draining. */
  add(e: GatewayEndpoint): UpstreamEndpoint {
    const known = this.get(e.id);
    if (known && known.host === e.host && known.port === e.port) {
      if (known.draining) this.#ready++;
      known.draining = false;
      return known;
    }
    if (known) this.remove(e.id);
    const ep = new UpstreamEndpoint(e.id, e.host, e.port, e.revision, this.pool);
    this.#list.push(ep);
    this.#ready++;
    return ep;
  }

  /** Stops routing to it at once; its pool closes when its last request ends. */
  remove(id: string): boolean {
    const i = this.#list.findIndex((e) => e.id === id);
    if (i < 0) return false;
    const ep = this.#list[i]!;
    this.#list.splice(i, 1);
    if (!ep.draining) this.#ready--;
    ep.removed = true;
    ep.draining = true;
    settleDrain(ep);
    if (ep.inflight === 0) ep.closeConnections();
    return true;
  }

  /** No new requests; resolves when its in-flight count reaches 0 or after timeoutMs. */
  drain(id: string, timeoutMs: number): Promise<void> {
    const ep = this.get(id);
    if (!ep) return Promise.resolve();
    if (!ep.draining) this.#ready--;
    ep.draining = true;
    if (ep.inflight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        timer.cancel();
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        ep.drainWaiters = ep.drainWaiters.filter((w) => w !== done);
        resolve();
      }, timeoutMs);
      ep.drainWaiters.push(done);
    });
  }

  /**
   * Least in-flight among routable endpoints (not draining, under `limit`, not `exclude`); ties
   * go round robin. Null when none can take a request now.
   */
  pick(limit: number | null, exclude: UpstreamEndpoint | null): UpstreamEndpoint | null {
    const list = this.#list;
    const n = list.length;
    if (n === 0) return null;
    const start = this.#cursor % n;
    this.#cursor = start + 1;
    let best: UpstreamEndpoint | null = null;
    for (let k = 0; k < n; k++) {
      const ep = list[start + k < n ? start + k : start + k - n]!;
      if (ep.draining || ep === exclude || (limit !== null && ep.inflight >= limit)) continue;
      if (best === null || ep.inflight < best.inflight) {
        best = ep;
        if (ep.inflight === 0) break;
      }
    }
    return best;
  }

  /** A request on `ep` ended: wakes drains and closes the pool of a removed endpoint. */
  release(ep: UpstreamEndpoint): void {
    ep.inflight--;
    if (ep.inflight > 0) return;
    settleDrain(ep);
    if (ep.removed) ep.closeConnections();
  }

  /** Forgets every endpoint (the app was removed). */
  clear(): void {
    for (const ep of [...this.#list]) this.remove(ep.id);
  }

  /** Closes every pool now, in-flight requests included. */
  destroy(): void {
    for (const ep of this.#list) ep.closeConnections();
  }
}

function settleDrain(ep: UpstreamEndpoint): void {
  const waiters = ep.drainWaiters;
  ep.drainWaiters = [];
  for (const w of waiters) w();
}
