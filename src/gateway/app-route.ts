/**
 * Everything the gateway keeps for one app: its route settings and availability, its endpoints,
 * its wake queue, its traffic counters and request metrics. It decides where an admitted request
 * goes: straight to an endpoint, or into the wake queue (calling `onWake` once per wait episode
 * when no endpoint is ready), and it releases waiting requests in arrival order whenever capacity
 * appears (an endpoint added, a slot freed under `concurrencyLimit`).
 *
 * A wait episode starts when a request queues while the app has no ready endpoint and ends when
 * an endpoint arrives, the queue empties, or the app stops being available.
 *
 * Most registered apps sit idle at zero, so a route allocates its request metrics on its first
 * answer, and tells the gateway (`deps.touched`) the first time its counts change after a read,
 * so that a reader of changed apps (gateway.changedRequestMetrics) never walks the idle ones.
 */
import type { Logger } from "../kit/log.js";
import type { Clock } from "../kit/clock.js";
import type { EbbError } from "../kit/errors.js";
import { EndpointSet, type PoolOptions, type UpstreamEndpoint } from "./endpoint-set.js";
import { RequestMetrics, type AppRequestMetrics } from "./request-metrics.js";
import { gatewayError, type AnswerOptions } from "./respond.js";
import { TrafficCounter, type TrafficSample } from "../spec/traffic.js";
import type { Availability, GatewayEndpoint, GatewayHooks, RouteSettings } from "./types.js";
import { WakeQueue, type QueueNode } from "./wake-queue.js";

/** A request as the route sees it: something to dispatch, queue, or refuse. */
export interface Waiter extends QueueNode {
  /** When the request arrived, clock ms. */
  readonly arrivedAt: number;
  /** Set when it queued while the app had no ready endpoint (it waits for a wake). */
  wokeWait: boolean;
  dispatch(ep: UpstreamEndpoint): void;
  /** Answer with an error the gateway makes itself. */
  answer(err: EbbError, opts?: AnswerOptions): void;
}

export interface RouteDeps {
  clock: Clock;
  hooks: GatewayHooks;
  log: Logger;
  pool: PoolOptions;
  defaultWakeQueueLimit: number;
  retryAfterSec: number;
  /** The route's counts changed and `changed` was false: it is now set until the next read. */
  touched(route: AppRoute): void;
}

export interface Refusal {
  err: EbbError;
  opts: AnswerOptions;
}

/** The availability of a route that serves; one object for every such route. */
const serving: Availability = Object.freeze({ kind: "serving" });

export class AppRoute {
  settings: RouteSettings;
  availability: Availability = serving;
  /** The route table's lookup keys of this app's host names (route-table.ts owns them). */
  hostKeys: readonly string[] = [];
  readonly endpoints: EndpointSet;
  readonly queue = new WakeQueue<Waiter>();
  readonly stats: TrafficCounter;
  /** Counts changed since the last read of changed routes (see RouteDeps.touched). */
  changed = false;
  #metrics: RequestMetrics | null = null;
  #waking = false;
  #queueLimit: number;

  constructor(settings: RouteSettings, readonly deps: RouteDeps) {
    this.settings = settings;
    this.#queueLimit = this.#limitOf(settings);
    this.endpoints = new EndpointSet(deps.pool, deps.clock);
    this.stats = new TrafficCounter(deps.clock.now());
  }

  get name(): string {
    return this.settings.app;
  }

  update(settings: RouteSettings): void {
    this.settings = settings;
    this.#queueLimit = this.#limitOf(settings);
  }

  // ---- request path ----

  /**
   * Counts the request in and sends it to an endpoint, or queues it behind those already waiting.
   * Joining a non-empty queue also re-tries its head: a request put back after a refused connect
   * waits for no event of its own, so new arrivals give it its next attempt.
   */
  admit(w: Waiter): void {
    this.stats.arrive(w.arrivedAt);
    if (!this.changed) this.deps.touched(this);
    if (this.queue.length === 0) {
      const ep = this.endpoints.pick(this.settings.concurrencyLimit, null);
      if (ep !== null) return w.dispatch(ep);
      return this.#wait(w, false);
    }
    this.#wait(w, false);
    if (this.endpoints.readyCount > 0) this.#pump();
  }

  /** A connect to `failed` was refused before any byte was sent: another endpoint, or the queue's front. */
  retry(w: Waiter, failed: UpstreamEndpoint): void {
    const ep = this.endpoints.pick(this.settings.concurrencyLimit, failed);
    if (ep !== null) return w.dispatch(ep);
    this.#wait(w, true);
  }

  /** The request left the queue by itself (client gone, timed out). */
  leave(w: Waiter): void {
    if (this.queue.remove(w) && this.queue.length === 0) this.#waking = false;
  }

  /** A request on `ep` ended: its slot may go to the oldest waiting request. */
  release(ep: UpstreamEndpoint): void {
    this.endpoints.release(ep);
    if (this.queue.length > 0) this.#pump();
  }

  /** Counts the request out (status and duration for the metrics). */
  depart(status: number, arrivedAt: number): void {
    const now = this.deps.clock.now();
    this.stats.depart(now);
    this.record(status, now - arrivedAt);
  }

  /** Counts an answer (a refused request too, with its status and 0 ms). */
  record(status: number, durationMs: number): void {
    (this.#metrics ??= new RequestMetrics()).record(status, durationMs);
    if (!this.changed) this.deps.touched(this);
  }

  /** Answers by status, durations, in flight and waiting now. */
  metricsSnapshot(): AppRequestMetrics {
    return (this.#metrics ?? RequestMetrics.none).snapshot(this.name, this.stats.inflight, this.queue.length);
  }

  /** Why new requests are refused now, or null when the app serves. */
  refusal(): Refusal | null {
    const a = this.availability;
    if (a.kind === "serving") return null;
    if (a.kind === "stopped") {
      const err = gatewayError("GATEWAY_APP_STOPPED", `App "${this.name}" is stopped; start it to serve requests`, { app: this.name });
      return { err, opts: { retryAfterSec: this.deps.retryAfterSec } };
    }
    const message = `App "${this.name}" cannot start: ${a.message}`;
    const err = gatewayError("GATEWAY_APP_UNAVAILABLE", message, { app: this.name, cause: { code: a.code, message: a.message } });
    return { err, opts: { retryAfterSec: a.retryAfterSec } };
  }

  collect(nowMs: number): TrafficSample {
    return this.stats.collect(nowMs, this.queue.length);
  }

  // ---- control path ----

  addEndpoint(e: GatewayEndpoint): void {
    this.endpoints.add(e);
    this.#waking = false;
    this.#pump();
  }

  removeEndpoint(id: string): void {
    if (this.endpoints.remove(id)) this.#afterCapacityLoss();
  }

  drainEndpoint(id: string, timeoutMs: number): Promise<void> {
    const done = this.endpoints.drain(id, timeoutMs);
    this.#afterCapacityLoss();
    return done;
  }

  setAvailability(a: Availability): void {
    this.availability = a;
    const refusal = this.refusal();
    if (refusal !== null) this.flush(refusal.err, refusal.opts);
  }

  /** Answers every waiting request with `err`, oldest first. */
  flush(err: EbbError, opts: AnswerOptions = {}): void {
    for (let w = this.queue.shift(); w !== undefined; w = this.queue.shift()) w.answer(err, opts);
    this.#waking = false;
  }

  /** The app is gone: waiting requests get 404 and every endpoint is forgotten. */
  remove(): void {
    this.flush(gatewayError("GATEWAY_UNKNOWN_HOST", `App "${this.name}" was removed`, { app: this.name }));
    this.endpoints.clear();
  }

  // ---- internals ----

  #wait(w: Waiter, front: boolean): void {
    const queued = front ? this.queue.unshift(w, this.#queueLimit) : this.queue.push(w, this.#queueLimit);
    if (!queued) {
      const err = gatewayError("GATEWAY_WAKE_QUEUE_FULL", `App "${this.name}" already has ${this.queue.length} requests waiting for a replica`, {
        app: this.name,
        limit: this.#queueLimit,
      });
      return w.answer(err, { retryAfterSec: this.deps.retryAfterSec });
    }
    if (this.endpoints.readyCount === 0) {
      w.wokeWait = true;
      this.#wake();
    }
  }

  #wake(): void {
    if (this.#waking) return;
    this.#waking = true;
    try {
      this.deps.hooks.onWake(this.name);
    } catch (err) {
      this.deps.log.error("onWake hook failed", { app: this.name, err });
    }
  }

  #pump(): void {
    const limit = this.settings.concurrencyLimit;
    while (this.queue.length > 0) {
      const ep = this.endpoints.pick(limit, null);
      if (ep === null) return;
      this.queue.shift()!.dispatch(ep);
    }
    this.#waking = false;
  }

  /** The last ready endpoint went away while requests wait: they now wait for a wake. */
  #afterCapacityLoss(): void {
    if (this.endpoints.readyCount > 0 || this.queue.length === 0) return;
    for (let w = this.queue.peek(); w !== undefined; w = (w.next as Waiter | null) ?? undefined) w.wokeWait = true;
    this.#wake();
  }

  #limitOf(s: RouteSettings): number {
    return Number.isInteger(s.wakeQueueLimit) && s.wakeQueueLimit > 0 ? s.wakeQueueLimit : this.deps.defaultWakeQueueLimit;
  }
}
