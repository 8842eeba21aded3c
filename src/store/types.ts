/**
 * What the control plane persists: apps and their revisions, the conditions history, events,
 * and two histories kept for later reading: per-second request arrivals (for the simulator and
 * the advisor) and per-second metric samples (for the console charts).
 * Two implementations pass one contract suite (store/contract.ts): SQLite (sqlite.ts, the only
 * file that imports the driver) and an in-memory fake (memory.ts) for unit tests.
 * The interface is synchronous: SQLite through better-sqlite3 is, and the fake is trivially.
 * Every history is bounded (see StoreLimits); failures are EbbErrors (store/errors.ts).
 */
import type { Closable } from "../kit/lifecycle.js";
import type { AppSpec, Condition, EbbEvent, NewEvent } from "../spec/types.js";

export interface AppRecord {
  name: string;
  /** The current revision's spec. */
  spec: AppSpec;
  specHash: string;
  /** The newest revision number (1-based). */
  revision: number;
  desiredState: "ACTIVE" | "STOPPED";
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface RevisionRecord {
  app: string;
  revision: number;
  specHash: string;
  spec: AppSpec;
  createdAt: string;
}

export interface EventQuery {
  app?: string;
  /** Only events with id > afterId. */
  afterId?: number;
  /** Newest `limit` events (default 100, at most 10,000), returned oldest first. */
  limit?: number;
}

/** Bounds shared by every implementation; defaults live in store/limits.ts. */
export interface StoreLimits {
  /** Events kept per app; older ones are pruned on append. Default 10,000. */
  eventRetentionPerApp?: number;
  /** Conditions kept per app; older ones are pruned on add. Default 1,000. */
  conditionRetentionPerApp?: number;
  /** Seconds of arrivals kept per app, counted back from its newest recorded second. Default 604,800 (7 days). */
  arrivalRetentionSec?: number;
  /** Arrival rows (non-zero seconds) kept per app, oldest dropped first. Default 700,000. */
  arrivalRowsPerApp?: number;
}

/** Requests that arrived in one second: [epoch second, count]. */
export type ArrivalCount = [epochSecond: number, count: number];

/**
 * Per-second request arrivals, stored sparsely (seconds without arrivals have no row). Read by
 * the trace exporter, the simulator and the advisor; written by the server from gateway stats.
 */
export interface ArrivalHistory {
  /**
   * Adds each count to what is already stored for that app and second, in one transaction.
   * Counts <= 0 are ignored. Afterwards the app's rows are pruned to the retention bounds.
   * Throws STORE_INVALID_ARGUMENT for a second that is not an integer or a non-finite count.
   */
  recordArrivals(app: string, counts: ArrivalCount[]): void;
  /** Non-zero seconds in [fromSec, toSec), ascending. */
  listArrivals(app: string, fromSec: number, toSec: number): ArrivalCount[];
  /** Drops every app's arrivals before `beforeSec` (epoch seconds); returns the rows removed. */
  pruneArrivals(beforeSec: number): number;
}

/** One app's metrics for one second, as the console charts them. */
export interface MetricSample {
  app: string;
  /** ms epoch on a 1 s grid (other times are floored to the second when recorded). */
  time: number;
  desired: number;
  ready: number;
  inflight: number;
  requests: number;
  errors: number;
  /** Latency percentiles of the requests finished in the second; null when none finished. */
  p50Ms: number | null;
  p99Ms: number | null;
  coldStarts: number;
}

export interface CompactResult {
  /** 1 s rows folded into 1 min rows. */
  downsampled: number;
  /** Rows older than the retention dropped. */
  dropped: number;
}

/**
 * Metric samples over time. Kept at 1 s resolution for an hour, then as 1 min rows for 48 h,
 * then dropped, by `compact`, which the server calls once a minute.
 */
export interface MetricsHistory {
  /**
   * Stores a batch (typically one sample per app per second) in one transaction. A sample for
   * an app and second already stored replaces it.
   */
  recordSamples(samples: MetricSample[]): void;
  /**
   * Samples of `app` with fromMs <= time < toMs, aggregated into buckets of `stepMs` aligned
   * to the epoch (bucket time = floor(time / stepMs) * stepMs), ascending; buckets without data
   * are left out. Within a bucket: desired, ready and inflight take the maximum (the peak the
   * chart must show); requests, errors and coldStarts are summed; p50Ms and p99Ms take the
   * maximum of the non-null values (null when all are null), an upper bound rather than a
   * true percentile of the bucket. The same rules fold 1 s rows into 1 min rows on compaction.
   * `stepMs` is an integer >= 1000, else STORE_INVALID_ARGUMENT.
   */
  querySamples(app: string, fromMs: number, toMs: number, stepMs: number): MetricSample[];
  /**
   * Ages the history as of `nowMs`: rows before the minute that holds nowMs - 48 h are dropped;
   * 1 s rows of whole minutes before nowMs - 1 h become one 1 min row each (merged into a
   * 1 min row already there).
   */
  compact(nowMs: number): CompactResult;
}

export interface Store extends Closable, ArrivalHistory, MetricsHistory {
  getApp(name: string): AppRecord | undefined;
  /** All apps, by name. */
  listApps(): AppRecord[];
  /** Insert or replace; replacing keeps the app's revisions, conditions, events and histories. */
  putApp(app: AppRecord): void;
  /** Deletes the app with its revisions, conditions, events, arrivals and samples; no-op if absent. */
  deleteApp(name: string): void;

  /** Throws APP_NOT_FOUND for an unknown app, STORE_INVALID_ARGUMENT for a revision already stored. */
  addRevision(rev: RevisionRecord): void;
  getRevision(app: string, revision: number): RevisionRecord | undefined;
  /** By revision number, ascending. */
  listRevisions(app: string): RevisionRecord[];

  /** Throws APP_NOT_FOUND for an unknown app. Conditions past the retention bound are pruned. */
  addCondition(app: string, condition: Condition): void;
  /** Newest `limit` conditions (default 50), oldest first. */
  listConditions(app: string, limit?: number): Condition[];

  /**
   * Appends an event and returns it with its id; ids increase and are never reused, even after
   * the app is deleted. The event's app need not exist (a Deleted event outlives its app).
   * Old events of the same app past the retention bound are pruned. `data` is stored as JSON.
   */
  appendEvent(event: NewEvent): EbbEvent;
  listEvents(query?: EventQuery): EbbEvent[];

  /** A small key-value area for server state (e.g. the API token). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}
