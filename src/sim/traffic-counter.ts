/**
 * One app's traffic as the gateway counts it (gateway/traffic-stats.ts, which sim/ may not
 * import; the rules are the same): a request is in flight from its arrival, waiting ones
 * included, until it is answered (served, timed out, or refused because the wait queue is full).
 * `collect` returns the time-weighted average in flight since the previous collect, the arrivals
 * in that interval, and the state now, then starts a new interval, exactly like the gateway's
 * StatsSource, so the autoscaler sees in the replay what it would see in production.
 * Example: 2 in flight for 1000 ms, then 1 for 1000 ms, collected after 2000 ms: 1.5.
 */
import type { TrafficSample } from "../autoscaler/index.js";

export class TrafficCounter {
  inflight = 0;
  lastActiveAt: number | null = null;
  #arrivals = 0;
  /** Sum of in-flight x ms since the interval started. */
  #area = 0;
  #lastChangeMs: number;
  #intervalStartMs: number;

  constructor(nowMs: number) {
    this.#lastChangeMs = nowMs;
    this.#intervalStartMs = nowMs;
  }

  arrive(nowMs: number): void {
    this.#integrate(nowMs);
    this.inflight++;
    this.#arrivals++;
    this.lastActiveAt = nowMs;
  }

  depart(nowMs: number): void {
    this.#integrate(nowMs);
    this.inflight--;
    this.lastActiveAt = nowMs;
  }

  /** Reads and resets the interval; `queued` is the wait queue's length now. */
  collect(nowMs: number, queued: number): TrafficSample {
    this.#integrate(nowMs);
    const intervalMs = Math.max(0, nowMs - this.#intervalStartMs);
    const sample: TrafficSample = {
      avgConcurrency: intervalMs > 0 ? this.#area / intervalMs : this.inflight,
      arrivals: this.#arrivals,
      intervalMs,
      inflight: this.inflight,
      queued,
      lastActiveAt: this.lastActiveAt,
    };
    this.#area = 0;
    this.#arrivals = 0;
    this.#intervalStartMs = Math.max(this.#intervalStartMs, nowMs);
    return sample;
  }

  #integrate(nowMs: number): void {
    if (nowMs > this.#lastChangeMs) {
      this.#area += this.inflight * (nowMs - this.#lastChangeMs);
      this.#lastChangeMs = nowMs;
    }
  }
}
