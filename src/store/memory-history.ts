/**
 * The arrival and metric histories in memory, for the fake store. Same rules as the SQLite
 * version (sqlite-history.ts), checked by the same contract suite: sparse arrival rows pruned
 * per app by age and count, samples aggregated and aged as MetricsHistory documents.
 * Arrival seconds are kept sorted (appends at the end are the usual case), so pruning and range
 * reads are binary searches rather than scans.
 */
import type { ArrivalCount, ArrivalHistory, MetricSample, MetricsHistory } from "./types.js";
import { arrivalCutoffSec, coarseStepMs, compactionCuts, fineStepMs, type ResolvedLimits } from "./limits.js";
import { checkArrival, checkStepMs } from "./errors.js";

/** First index whose value is >= x. */
function lowerBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class ArrivalSeries {
  readonly secs: number[] = [];
  readonly counts = new Map<number, number>();

  add(sec: number, count: number): void {
    const had = this.counts.get(sec);
    this.counts.set(sec, (had ?? 0) + count);
    if (had !== undefined) return;
    if (this.secs.length === 0 || sec > this.secs[this.secs.length - 1]!) this.secs.push(sec);
    else this.secs.splice(lowerBound(this.secs, sec), 0, sec);
  }

  /** Removes the first n seconds; returns n. */
  dropFirst(n: number): number {
    for (const sec of this.secs.splice(0, n)) this.counts.delete(sec);
    return n;
  }

  dropBefore(sec: number): number {
    return this.dropFirst(lowerBound(this.secs, sec));
  }
}

/** Folds `m` into a bucket row at `time` with the aggregation MetricsHistory documents. */
function fold(into: MetricSample | undefined, m: MetricSample, time: number): MetricSample {
  if (!into) return { ...m, time };
  const maxNullable = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
  return {
    app: m.app,
    time,
    desired: Math.max(into.desired, m.desired),
    ready: Math.max(into.ready, m.ready),
    inflight: Math.max(into.inflight, m.inflight),
    requests: into.requests + m.requests,
    errors: into.errors + m.errors,
    p50Ms: maxNullable(into.p50Ms, m.p50Ms),
    p99Ms: maxNullable(into.p99Ms, m.p99Ms),
    coldStarts: into.coldStarts + m.coldStarts,
  };
}

interface SampleSeries {
  fine: Map<number, MetricSample>;
  coarse: Map<number, MetricSample>;
}

export interface MemoryHistory extends ArrivalHistory, MetricsHistory {
  /** Drops everything kept for the app (used by deleteApp). */
  forget(app: string): void;
}

export function createMemoryHistory(limits: ResolvedLimits): MemoryHistory {
  const arrivals = new Map<string, ArrivalSeries>();
  const samples = new Map<string, SampleSeries>();

  const pruneApp = (series: ArrivalSeries): void => {
    const newest = series.secs[series.secs.length - 1];
    if (newest === undefined) return;
    series.dropBefore(arrivalCutoffSec(newest, limits) + 1);
    const over = series.secs.length - limits.arrivalRowsPerApp;
    if (over > 0) series.dropFirst(over);
  };

  return {
    recordArrivals(app, counts) {
      for (const [sec, count] of counts) checkArrival(sec, count);
      const series = arrivals.get(app) ?? new ArrivalSeries();
      for (const [sec, count] of counts) if (count > 0) series.add(sec, count);
      if (series.secs.length > 0) arrivals.set(app, series);
      pruneApp(series);
    },
    listArrivals(app, fromSec, toSec) {
      const series = arrivals.get(app);
      if (!series) return [];
      const secs = series.secs.slice(lowerBound(series.secs, fromSec), lowerBound(series.secs, toSec));
      return secs.map((sec): ArrivalCount => [sec, series.counts.get(sec)!]);
    },
    pruneArrivals(beforeSec) {
      let removed = 0;
      for (const [app, series] of arrivals) {
        removed += series.dropBefore(beforeSec);
        if (series.secs.length === 0) arrivals.delete(app);
      }
      return removed;
    },
    recordSamples(batch) {
      for (const m of batch) {
        const time = Math.floor(m.time / fineStepMs) * fineStepMs;
        let series = samples.get(m.app);
        if (!series) samples.set(m.app, (series = { fine: new Map(), coarse: new Map() }));
        series.fine.set(time, { ...m, time });
      }
    },
    querySamples(app, fromMs, toMs, stepMs) {
      checkStepMs(stepMs);
      const series = samples.get(app);
      if (!series) return [];
      const buckets = new Map<number, MetricSample>();
      for (const rows of [series.fine, series.coarse]) {
        for (const m of rows.values()) {
          if (m.time < fromMs || m.time >= toMs) continue;
          const bucket = Math.floor(m.time / stepMs) * stepMs;
          buckets.set(bucket, fold(buckets.get(bucket), m, bucket));
        }
      }
      return [...buckets.values()].sort((a, b) => a.time - b.time);
    },
    compact(nowMs) {
      const { foldBefore, dropBefore } = compactionCuts(nowMs);
      let downsampled = 0;
      let dropped = 0;
      for (const [app, series] of samples) {
        for (const rows of [series.fine, series.coarse]) {
          for (const time of rows.keys()) if (time < dropBefore && rows.delete(time)) dropped++;
        }
        for (const [time, m] of series.fine) {
          if (time >= foldBefore) continue;
          const minute = Math.floor(time / coarseStepMs) * coarseStepMs;
          series.coarse.set(minute, fold(series.coarse.get(minute), m, minute));
          series.fine.delete(time);
          downsampled++;
        }
        if (series.fine.size === 0 && series.coarse.size === 0) samples.delete(app);
      }
      return { downsampled, dropped };
    },
    forget(app) {
      arrivals.delete(app);
      samples.delete(app);
    },
  };
}
