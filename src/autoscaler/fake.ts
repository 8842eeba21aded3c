/**
 * Fakes of the autoscaler's two ports, for tests here and in other folders (sim, control, api).
 *
 * FakeStats is a StatsSource driven by hand: `arrive`, `dispatch` and `finish` move requests
 * in and out, and `collect` reports the time-weighted average in flight since the previous
 * collect, measured on the Clock it is given, as the gateway does. FakeScaleTarget records every
 * decision and reports ready counts set by hand, or follows the desired count at once
 * (`follow: true`), as a runtime whose replicas start instantly would.
 */
import type { Clock } from "../kit/clock.js";
import type { ScaleDecision, ScaleTarget, StatsSource, TrafficSample } from "./types.js";

interface Counters {
  inflight: number;
  queued: number;
  arrivals: number;
  /** Integral of in-flight over time since the last collect, in request-ms. */
  areaMs: number;
  lastChangeMs: number;
  lastCollectMs: number;
  lastActiveAt: number | null;
}

const idleSample: TrafficSample = Object.freeze({
  avgConcurrency: 0,
  arrivals: 0,
  intervalMs: 0,
  inflight: 0,
  queued: 0,
  lastActiveAt: null,
});

export class FakeStats implements StatsSource {
  readonly #clock: Clock;
  readonly #apps = new Map<string, Counters>();
  /** collect() calls so far. */
  collectCalls = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** n requests arrive; queued ones wait for a replica (they count as in flight too). */
  arrive(app: string, n = 1, opts: { queued?: boolean } = {}): void {
    const c = this.#advance(app);
    c.inflight += n;
    c.arrivals += n;
    if (opts.queued) c.queued += n;
    c.lastActiveAt = c.lastChangeMs;
  }

  /** n queued requests reach a replica. */
  dispatch(app: string, n = 1): void {
    const c = this.#advance(app);
    c.queued = Math.max(0, c.queued - n);
  }

  /** n requests complete (queued ones first if nothing else is in flight). */
  finish(app: string, n = 1): void {
    const c = this.#advance(app);
    c.inflight = Math.max(0, c.inflight - n);
    c.queued = Math.min(c.queued, c.inflight);
    c.lastActiveAt = c.lastChangeMs;
  }

  inflight(app: string): number {
    return this.#apps.get(app)?.inflight ?? 0;
  }

  collect(app: string, nowMs: number): TrafficSample {
    this.collectCalls++;
    const c = this.#apps.get(app);
    if (!c) return idleSample;
    this.#integrate(c, nowMs);
    const intervalMs = nowMs - c.lastCollectMs;
    const sample: TrafficSample = {
      avgConcurrency: intervalMs > 0 ? c.areaMs / intervalMs : c.inflight,
      arrivals: c.arrivals,
      intervalMs,
      inflight: c.inflight,
      queued: c.queued,
      lastActiveAt: c.lastActiveAt,
    };
    c.areaMs = 0;
    c.arrivals = 0;
    c.lastCollectMs = nowMs;
    return sample;
  }

  #advance(app: string): Counters {
    const now = this.#clock.now();
    let c = this.#apps.get(app);
    if (!c) {
      c = { inflight: 0, queued: 0, arrivals: 0, areaMs: 0, lastChangeMs: now, lastCollectMs: now, lastActiveAt: null };
      this.#apps.set(app, c);
    }
    this.#integrate(c, now);
    return c;
  }

  #integrate(c: Counters, nowMs: number): void {
    if (nowMs > c.lastChangeMs) c.areaMs += c.inflight * (nowMs - c.lastChangeMs);
    c.lastChangeMs = Math.max(c.lastChangeMs, nowMs);
  }
}

export class FakeScaleTarget implements ScaleTarget {
  /** Every decision received, oldest first (the last 10,000). */
  readonly decisions: ScaleDecision[] = [];
  readonly #ready = new Map<string, number>();
  readonly #follow: boolean;
  /** readyReplicas() calls so far. */
  readyCalls = 0;
  /** When set, the next setDesired throws it (once). */
  failNext: Error | null = null;

  constructor(opts: { follow?: boolean } = {}) {
    this.#follow = opts.follow ?? false;
  }

  setReady(app: string, n: number): void {
    this.#ready.set(app, n);
  }

  readyReplicas(app: string): number {
    this.readyCalls++;
    return this.#ready.get(app) ?? 0;
  }

  setDesired(decision: ScaleDecision): void {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    this.decisions.push(decision);
    if (this.decisions.length > 10_000) this.decisions.shift();
    if (this.#follow) this.#ready.set(decision.app, decision.desired);
  }

  /** Decisions received for one app. */
  decisionsFor(app: string): ScaleDecision[] {
    return this.decisions.filter((d) => d.app === app);
  }
}
