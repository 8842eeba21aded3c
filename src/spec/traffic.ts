/**
 * How ebb counts an app's traffic: the one definition the gateway counts with, the autoscaler
 * reads (its StatsSource) and the simulator replays, so a replay sees what production sees.
 * A request is in flight from its arrival (waiting ones included, so a queue at zero is load) to
 * the end of its answer.
 *
 * The average is time-weighted: on every change the area in-flight x time is accumulated, and
 * `collect` divides it by the interval since the previous collect, then starts a new interval.
 * Example: 2 in flight for 1000 ms, then 1 for 1000 ms: (2 x 1000 + 1 x 1000) / 2000 = 1.5.
 * The hot path does two integer updates and one multiply-add; times come from the caller's Clock.
 */

/** One app's traffic over the interval since the previous collect. */
export interface TrafficSample {
  /** Time-weighted average of in-flight requests (queued ones included) over the interval. */
  avgConcurrency: number;
  /** Requests that arrived in the interval. */
  arrivals: number;
  /** Interval length in ms. */
  intervalMs: number;
  /** In-flight now, queued ones included. */
  inflight: number;
  /** Waiting for a replica now. */
  queued: number;
  /** ms epoch of the last request arrival or completion; null if none yet. */
  lastActiveAt: number | null;
}

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

  /** Reads and resets the interval. `queued` is the wake queue's length now. */
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

  /** Clock readings that go backwards (a caller's nowMs behind the gateway's) add nothing. */
  #integrate(nowMs: number): void {
    if (nowMs > this.#lastChangeMs) {
      this.#area += this.inflight * (nowMs - this.#lastChangeMs);
      this.#lastChangeMs = nowMs;
    }
  }
}

/** The sample of an app without traffic counters: no traffic. */
export function emptySample(): TrafficSample {
  return { avgConcurrency: 0, arrivals: 0, intervalMs: 0, inflight: 0, queued: 0, lastActiveAt: null };
}
