/**
 * What the control plane offers the API (and through it the CLI and the console). The control
 * plane is the reconciler: it keeps each app's revisions, status and events, applies the
 * autoscaler's decisions through the runtime, and keeps the gateway's routes in step.
 */
import type { AppSummary, AppView, EbbEvent, MetricSpec } from "../spec/types.js";
import type { LogLine } from "../runtime/types.js";
import type { ArrivalCount, MetricSample } from "../store/types.js";

export type { ArrivalCount, MetricSample } from "../store/types.js";

export interface DeployResult {
  name: string;
  revision: number;
  /**
   * created: new app; updated: new revision, rolled out with new replicas; reconfigured: only
   * routing or scaling settings changed, applied in place; unchanged: same spec hash.
   */
  outcome: "created" | "updated" | "reconfigured" | "unchanged";
  url: string;
}

export interface ScalingPatch {
  replicas?: [number, number];
  scaledownAfter?: number;
  /** The per-replica target, replacing the spec's: `{ concurrency: n }` or `{ requestRate: n }`. */
  metric?: MetricSpec;
}

export interface EventFilter {
  app?: string;
  afterId?: number;
  limit?: number;
}

/** A window of an app's recorded metrics: [fromMs, toMs) in buckets of stepMs (>= 1000). */
export interface MetricsRange {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/** A window of an app's recorded arrivals: epoch seconds [fromSec, toSec). */
export interface ArrivalRange {
  fromSec: number;
  toSec: number;
}

/** One app's traffic over the last ~10 s, as the overview shows it. */
export interface AppTraffic {
  /** Requests answered per second over the window. */
  rps: number;
  /** In flight now (waiting ones included), as of the last second recorded. */
  inflight: number;
  /** Latency percentiles over the window in ms, estimated from histogram buckets; null with no requests. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/** What `ebb top` and the console's apps list show, once a second. */
export interface Overview {
  /** ms epoch of the snapshot. */
  time: number;
  apps: AppSummary[];
  /** By app name; every app in `apps` has an entry. */
  traffic: Record<string, AppTraffic>;
}

/**
 * What changed in the overview since the previous message of an overview stream: the views of
 * the apps that are new or changed (whole), the traffic entries that changed, and the names of
 * the apps deleted. A name is never both in `apps` and in `removed`; an app new to the reader
 * always has its `traffic` entry. `applyOverviewDelta` (api/overview-delta.ts) turns the
 * overview it follows into the overview of `time`.
 */
export interface OverviewDelta {
  /** ms epoch of the snapshot it brings the reader to. */
  time: number;
  apps: AppSummary[];
  /** By app name: only the entries that changed. */
  traffic: Record<string, AppTraffic>;
  removed: string[];
}

/**
 * One second's publication of the overview, as each subscriber gets it. A subscriber starts from
 * `overview()` read in the same synchronous turn as `subscribeOverview`; each update's delta
 * then brings that overview to the update's time.
 */
export interface OverviewUpdate {
  /** What changed since the subscriber's previous update (or its starting overview); null when only a whole overview will do. */
  delta: OverviewDelta | null;
  /**
   * The whole overview as of this update, built on the first call and shared by every
   * subscriber. Only valid while the update is being handed out (it throws afterwards), so that
   * a whole overview always matches the deltas that follow it.
   */
  full(): Overview;
}

/** A log line or an event, interleaved in `ebb logs`. */
export type LogEntry = ({ kind: "log" } & LogLine) | ({ kind: "event" } & EbbEvent);

export interface ControlApi {
  /**
   * Validates every raw spec first; if any is invalid, throws APP_SPEC_INVALID listing every
   * problem and changes nothing. `defaultWorkdir` fills a spec without `workdir`.
   */
  deploy(rawSpecs: unknown[], opts?: { defaultWorkdir?: string }): Promise<DeployResult[]>;
  listApps(): AppView[];
  /** Throws APP_NOT_FOUND. */
  getApp(name: string): AppView;
  stop(name: string): Promise<AppView>;
  start(name: string): Promise<AppView>;
  delete(name: string): Promise<void>;
  /** Changes min/max, scaledownAfter and the metric target; applied in place (same revision). */
  updateScaling(name: string, patch: ScalingPatch): Promise<DeployResult>;
  events(filter?: EventFilter): EbbEvent[];
  /** Live events (all apps); returns the unsubscribe function. */
  subscribeEvents(fn: (event: EbbEvent) => void): () => void;
  /** Log tail of an app with its events interleaved, oldest first. */
  logs(name: string, opts?: { limit?: number; replica?: string }): LogEntry[];
  subscribeLogs(name: string, fn: (entry: LogEntry) => void): () => void;
  /** The app's recorded samples in the range, aggregated per step (store/types.ts). Throws APP_NOT_FOUND. */
  appMetrics(name: string, range: MetricsRange): MetricSample[];
  /**
   * The app's recorded request arrivals per second: non-zero seconds in the range, ascending,
   * including counts not yet flushed to the store. Throws APP_NOT_FOUND.
   */
  arrivals(name: string, range: ArrivalRange): ArrivalCount[];
  /** Every app with its recent traffic, now. */
  overview(): Overview;
  /**
   * The overview's changes once a second (OverviewUpdate), for a subscriber that read
   * `overview()` in the same synchronous turn; returns the unsubscribe function.
   */
  subscribeOverview(fn: (update: OverviewUpdate) => void): () => void;
}
