/**
 * The arrival and metric histories on SQLite. Kept apart from sqlite.ts so that file stays about
 * apps and events; it receives the open connection through the narrow SqlConnection below, so
 * the driver itself is still imported by sqlite.ts alone. Statements are prepared once.
 *
 * Arrivals are sparse rows (app, sec, count), pruned per app on every write: first by time,
 * then, only when the app's span of seconds could exceed the row bound, by row count. With the
 * defaults (7 days = 604,800 s < 700,000 rows) the row check never has to count.
 * Samples are one table holding 1 s and 1 min rows (step_ms); queries aggregate in SQL.
 */
import type { ArrivalCount, ArrivalHistory, CompactResult, MetricSample, MetricsHistory } from "./types.js";
import { arrivalCutoffSec, coarseStepMs, compactionCuts, fineStepMs, type ResolvedLimits } from "./limits.js";
import { checkArrival, checkStepMs } from "./errors.js";

export interface SqlStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqlConnection {
  prepare(source: string): SqlStatement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}

interface SampleRow {
  bucket: number;
  desired: number;
  ready: number;
  inflight: number;
  requests: number;
  errors: number;
  p50: number | null;
  p99: number | null;
  coldStarts: number;
}

/** The larger of two nullable numbers; SQLite's max() alone is null if either is. */
const maxNullable = (a: string, b: string): string => `max(coalesce(${a}, ${b}), coalesce(${b}, ${a}))`;

/** Bucket of a sample time; ? is bound as REAL by the driver, hence the casts. */
const bucketOf = "(time / CAST(@step AS INTEGER)) * CAST(@step AS INTEGER)";

export interface SqliteHistory extends ArrivalHistory, MetricsHistory {
  /** Deletes the app's arrivals and samples; call inside the deleteApp transaction. */
  forget(app: string): void;
}

export function createSqliteHistory(sql: SqlConnection, limits: ResolvedLimits): SqliteHistory {
  const s = {
    forgetArrivals: sql.prepare("DELETE FROM arrivals WHERE app = ?"),
    forgetSamples: sql.prepare("DELETE FROM samples WHERE app = ?"),
    addArrival: sql.prepare(
      "INSERT INTO arrivals (app, sec, count) VALUES (?, ?, ?) ON CONFLICT (app, sec) DO UPDATE SET count = count + excluded.count",
    ),
    // Two statements: SQLite walks the index for one min() or max(), but scans for both at once.
    oldestArrival: sql.prepare("SELECT sec FROM arrivals WHERE app = ? ORDER BY sec LIMIT 1"),
    newestArrival: sql.prepare("SELECT sec FROM arrivals WHERE app = ? ORDER BY sec DESC LIMIT 1"),
    pruneArrivalsOfApp: sql.prepare("DELETE FROM arrivals WHERE app = ? AND sec <= ?"),
    capArrivals: sql.prepare(
      "DELETE FROM arrivals WHERE app = @app AND sec < (SELECT sec FROM arrivals WHERE app = @app ORDER BY sec DESC LIMIT 1 OFFSET @offset)",
    ),
    listArrivals: sql.prepare("SELECT sec, count FROM arrivals WHERE app = ? AND sec >= ? AND sec < ? ORDER BY sec"),
    pruneArrivals: sql.prepare("DELETE FROM arrivals WHERE sec < ?"),
    putSample: sql.prepare(
      `INSERT OR REPLACE INTO samples (app, time, step_ms, desired, ready, inflight, requests, errors, p50_ms, p99_ms, cold_starts)
       VALUES (?, ?, ${fineStepMs}, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    querySamples: sql.prepare(
      `SELECT ${bucketOf} AS bucket, max(desired) AS desired, max(ready) AS ready, max(inflight) AS inflight,
         sum(requests) AS requests, sum(errors) AS errors, max(p50_ms) AS p50, max(p99_ms) AS p99, sum(cold_starts) AS coldStarts
       FROM samples WHERE app = @app AND time >= @from AND time < @to GROUP BY 1 ORDER BY 1`,
    ),
    dropSamples: sql.prepare("DELETE FROM samples WHERE step_ms = ? AND time < ?"),
    foldSamples: sql.prepare(
      `INSERT INTO samples (app, time, step_ms, desired, ready, inflight, requests, errors, p50_ms, p99_ms, cold_starts)
       SELECT app, (time / ${coarseStepMs}) * ${coarseStepMs}, ${coarseStepMs}, max(desired), max(ready), max(inflight),
         sum(requests), sum(errors), max(p50_ms), max(p99_ms), sum(cold_starts)
       FROM samples WHERE step_ms = ${fineStepMs} AND time < ? GROUP BY app, time / ${coarseStepMs}
       ON CONFLICT (app, time, step_ms) DO UPDATE SET
         desired = max(desired, excluded.desired), ready = max(ready, excluded.ready),
         inflight = max(inflight, excluded.inflight), requests = requests + excluded.requests,
         errors = errors + excluded.errors, p50_ms = ${maxNullable("p50_ms", "excluded.p50_ms")},
         p99_ms = ${maxNullable("p99_ms", "excluded.p99_ms")}, cold_starts = cold_starts + excluded.cold_starts`,
    ),
  };

  const pruneApp = (app: string): void => {
    const newest = (s.newestArrival.get(app) as { sec: number } | undefined)?.sec;
    const first = (s.oldestArrival.get(app) as { sec: number } | undefined)?.sec;
    if (newest === undefined || first === undefined) return;
    const cutoff = arrivalCutoffSec(newest, limits);
    if (first <= cutoff) s.pruneArrivalsOfApp.run(app, cutoff);
    const oldest = Math.max(first, cutoff + 1);
    if (newest - oldest + 1 > limits.arrivalRowsPerApp) s.capArrivals.run({ app, offset: limits.arrivalRowsPerApp - 1 });
  };

  const record = sql.transaction((app: string, counts: ArrivalCount[]) => {
    for (const [sec, count] of counts) if (count > 0) s.addArrival.run(app, sec, count);
    pruneApp(app);
  });

  const recordSamples = sql.transaction((samples: MetricSample[]) => {
    for (const m of samples) {
      const time = Math.floor(m.time / fineStepMs) * fineStepMs;
      s.putSample.run(m.app, time, m.desired, m.ready, m.inflight, m.requests, m.errors, m.p50Ms, m.p99Ms, m.coldStarts);
    }
  });

  const compact = sql.transaction((nowMs: number): CompactResult => {
    const { foldBefore, dropBefore } = compactionCuts(nowMs);
    const dropped = s.dropSamples.run(fineStepMs, dropBefore).changes + s.dropSamples.run(coarseStepMs, dropBefore).changes;
    s.foldSamples.run(foldBefore);
    const downsampled = s.dropSamples.run(fineStepMs, foldBefore).changes;
    return { downsampled, dropped };
  });

  return {
    recordArrivals(app, counts) {
      for (const [sec, count] of counts) checkArrival(sec, count);
      record(app, counts);
    },
    listArrivals(app, fromSec, toSec) {
      const rows = s.listArrivals.all(app, fromSec, toSec) as Array<{ sec: number; count: number }>;
      return rows.map((r): ArrivalCount => [r.sec, r.count]);
    },
    pruneArrivals: (beforeSec) => s.pruneArrivals.run(beforeSec).changes,
    recordSamples: (samples) => recordSamples(samples),
    querySamples(app, fromMs, toMs, stepMs) {
      const rows = s.querySamples.all({ step: checkStepMs(stepMs), app, from: fromMs, to: toMs }) as SampleRow[];
      return rows.map((r) => ({
        app,
        time: r.bucket,
        desired: r.desired,
        ready: r.ready,
        inflight: r.inflight,
        requests: r.requests,
        errors: r.errors,
        p50Ms: r.p50,
        p99Ms: r.p99,
        coldStarts: r.coldStarts,
      }));
    },
    compact: (nowMs) => compact(nowMs),
    forget(app) {
      s.forgetArrivals.run(app);
      s.forgetSamples.run(app);
    },
  };
}
