/**
 * The record of each app's request arrivals that `ebb sim --from-app` replays and `ebb advise`
 * sweeps (docs/simulation.md, "From live traffic"): per app and epoch second, how many requests
 * reached the gateway. It wraps the gateway's StatsSource on the autoscaler's side, so the
 * request path does no extra work: each collect() passes through unchanged, and a sample with
 * arrivals adds them to one second of a per-app buffer, which is written to the store in batches
 * (ArrivalHistory.recordArrivals, one transaction per app) every `flushIntervalMs`, on `flush()`
 * and on `close()`. Every `pruneIntervalMs` (and at start) seconds older than `retentionSec` are
 * dropped for every app, including apps that went quiet (the store bounds each app's rows by
 * itself as it records).
 *
 * Which second: a sample covers (now - intervalMs, now] and its arrivals happened no later than
 * its `lastActiveAt` (the last arrival or completion), so they are stamped at the middle of
 * (now - intervalMs, lastActiveAt], with the interval taken as at most `maxSpreadMs`. With the
 * autoscaler collecting every second, an arrival lands in its own second or a neighbour; totals
 * are exact.
 *
 * Cost: an idle app is one comparison per collect, with no allocation; buffers exist only for
 * apps with arrivals since the last flush. The buffer holds at most `maxBufferedRows` seconds
 * across apps: at the bound it is flushed at once, and rows the store refuses are dropped,
 * counted in `dropped` and logged.
 */
import type { StatsSource, TrafficSample } from "../autoscaler/types.js";
import type { Clock, Timer } from "../kit/clock.js";
import { once, type Closable } from "../kit/lifecycle.js";
import type { Logger } from "../kit/log.js";
import { defaultLimits } from "../store/limits.js";
import type { ArrivalCount, ArrivalHistory } from "../store/types.js";

export interface ArrivalRecorderConfig {
  /** How often buffered counts are written to the store, ms. Default 10,000. */
  flushIntervalMs: number;
  /** How often seconds past the retention are dropped, ms. Default 3,600,000 (an hour). */
  pruneIntervalMs: number;
  /** Seconds of arrivals kept, back from now. Default the store's 604,800 (7 days). */
  retentionSec: number;
  /** Seconds (rows) buffered across apps at most before a flush is forced. Default 100,000. */
  maxBufferedRows: number;
  /** Longest interval a sample's arrivals are spread over when stamping their second, ms. Default 1000. */
  maxSpreadMs: number;
}

export const arrivalRecorderDefaults: Readonly<ArrivalRecorderConfig> = Object.freeze({
  flushIntervalMs: 10_000,
  pruneIntervalMs: 3_600_000,
  retentionSec: defaultLimits.arrivalRetentionSec,
  maxBufferedRows: 100_000,
  maxSpreadMs: 1000,
});

export interface ArrivalRecorderDeps {
  /** The gateway's counters, read through. */
  source: StatsSource;
  history: Pick<ArrivalHistory, "recordArrivals" | "pruneArrivals">;
  clock: Clock;
  log: Logger;
  config?: Partial<ArrivalRecorderConfig>;
}

export class ArrivalRecorder implements StatsSource, Closable {
  readonly config: Readonly<ArrivalRecorderConfig>;
  readonly #d: ArrivalRecorderDeps;
  /** Buffered seconds per app, in the order they were stamped. */
  readonly #pending = new Map<string, ArrivalCount[]>();
  #rows = 0;
  #dropped = 0;
  #timers: Timer[] = [];
  #stopped = false;
  readonly close: () => Promise<void>;

  constructor(deps: ArrivalRecorderDeps) {
    this.#d = deps;
    this.config = Object.freeze({ ...arrivalRecorderDefaults, ...deps.config });
    this.close = once(async () => {
      this.#stop();
      this.flush();
    });
  }

  /** Seconds buffered, not yet written. */
  get buffered(): number {
    return this.#rows;
  }

  /** Seconds of counts lost because the store refused them. */
  get dropped(): number {
    return this.#dropped;
  }

  collect(app: string, nowMs: number): TrafficSample {
    const sample = this.#d.source.collect(app, nowMs);
    if (sample.arrivals > 0 && !this.#stopped) this.#add(app, this.#second(sample, nowMs), sample.arrivals);
    return sample;
  }

  /** Starts the flush and prune timers on the clock, and prunes once now. */
  start(): void {
    if (this.#stopped || this.#timers.length > 0) return;
    const c = this.config;
    this.#timers = [this.#d.clock.setInterval(() => this.flush(), c.flushIntervalMs), this.#d.clock.setInterval(() => this.prune(), c.pruneIntervalMs)];
    this.prune();
  }

  /** Writes every buffered second to the store; returns the rows written. */
  flush(): number {
    if (this.#rows === 0) return 0;
    let written = 0;
    const batches = [...this.#pending];
    this.#pending.clear();
    this.#rows = 0;
    for (const [app, rows] of batches) {
      try {
        this.#d.history.recordArrivals(app, rows);
        written += rows.length;
      } catch (err) {
        this.#dropped += rows.length;
        this.#d.log.warn("arrivals not recorded", { app, seconds: rows.length, err });
      }
    }
    return written;
  }

  /** Drops every app's seconds older than the retention; returns the rows removed. */
  prune(): number {
    const cut = Math.floor(this.#d.clock.now() / 1000) - this.config.retentionSec;
    try {
      return this.#d.history.pruneArrivals(cut);
    } catch (err) {
      this.#d.log.warn("arrivals not pruned", { beforeSec: cut, err });
      return 0;
    }
  }

  /** Stops at once; buffered counts are dropped. */
  destroy(err?: Error): void {
    if (err && !this.#stopped) this.#d.log.warn("arrival recorder destroyed", { err, buffered: this.#rows });
    this.#stop();
    this.#pending.clear();
    this.#rows = 0;
  }

  #second(sample: TrafficSample, nowMs: number): number {
    const lo = nowMs - Math.min(Math.max(0, sample.intervalMs), this.config.maxSpreadMs);
    const hi = Math.min(nowMs, Math.max(lo, sample.lastActiveAt ?? nowMs));
    return Math.floor((lo + hi) / 2000);
  }

  #add(app: string, second: number, count: number): void {
    let rows = this.#pending.get(app);
    if (!rows) this.#pending.set(app, (rows = []));
    const last = rows[rows.length - 1];
    if (last && last[0] === second) {
      last[1] += count;
      return;
    }
    rows.push([second, count]);
    if (++this.#rows >= this.config.maxBufferedRows) this.flush();
  }

  #stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
  }
}
