/**
 * What telemetry reads, as narrow views: the gateway's request metrics (type-only, wired in
 * cmd/), the control plane's apps and replica counts, the process's own figures, and the store's
 * metrics history. Its settings and their defaults live here too, units in the names.
 */
import { EbbError } from "../kit/errors.js";
import type { RequestMetricsSnapshot } from "../gateway/index.js";
import type { AppSummary, EbbEvent, ReplicaCounts } from "../spec/types.js";

export type { AppRequestMetrics, RequestMetricsSnapshot } from "../gateway/index.js";

/** The gateway's answers by status, duration histograms and in-flight counts, per app. */
export interface RequestMetricsPort {
  /** Every app (for /metrics). */
  requestMetrics(): RequestMetricsSnapshot;
  /** The apps whose counts changed since the previous call, and those with requests in flight. */
  changedRequestMetrics(): RequestMetricsSnapshot;
}

/** The control plane as telemetry sees it. */
export interface FleetPort {
  listSummaries(): AppSummary[];
  /** One app's view without its conditions, as listSummaries has it; undefined for an unknown app. */
  summary(app: string): AppSummary | undefined;
  /** Desired and ready replicas of an app, O(1); undefined for an unknown app. */
  replicaScale(app: string): { desired: number; ready: number } | undefined;
  /** Every replica count of an app (asks the runtime); undefined for an unknown app. */
  replicaCounts(app: string): ReplicaCounts | undefined;
  subscribeEvents(fn: (event: EbbEvent) => void): () => void;
}

/** The process's own resource use, for `process_*` and `nodejs_*` metrics. */
export interface ProcessFigures {
  residentMemoryBytes: number;
  /** User plus system CPU time since the process started. */
  cpuSeconds: number;
  /** Unix time in seconds. */
  startTimeSeconds: number;
  /** Mean event-loop delay since the previous reading, in seconds (null before any). */
  eventLoopLagSeconds: number | null;
  /** 99th percentile and maximum of the same readings. */
  eventLoopLagP99Seconds: number | null;
  eventLoopLagMaxSeconds: number | null;
}

export interface ProcessPort {
  read(): ProcessFigures;
}

export interface TelemetryConfig {
  /** Seconds of traffic behind the overview's rps and percentiles. Default 10. */
  trafficWindowSec: number;
  /** How often the metrics history is compacted (store.compact). Default 60,000 ms. */
  compactIntervalMs: number;
  /**
   * How long an app that went idle at zero keeps its gauges (`ebb_replicas`, in-flight, queue)
   * in /metrics, so scrapers see the drop to 0 before the series end. Default 600,000 ms.
   */
  idleSeriesGraceMs: number;
  /** Apps tracked at most (traffic windows, event counters); past it new apps are not tracked. Default 100,000. */
  maxApps: number;
  /** Live overview subscribers at most. Default 1,000. */
  maxSubscribers: number;
  /** Upper bounds of the cold-start histogram, in seconds. */
  coldStartBucketsSec: readonly number[];
}

export const telemetryDefaults: Readonly<TelemetryConfig> = Object.freeze({
  trafficWindowSec: 10,
  compactIntervalMs: 60_000,
  idleSeriesGraceMs: 600_000,
  maxApps: 100_000,
  maxSubscribers: 1_000,
  coldStartBucketsSec: Object.freeze([0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]),
});

export function resolveTelemetryConfig(opts: Partial<TelemetryConfig> = {}): Readonly<TelemetryConfig> {
  const out = { ...telemetryDefaults, ...opts };
  for (const key of ["trafficWindowSec", "compactIntervalMs", "idleSeriesGraceMs", "maxApps", "maxSubscribers"] as const) {
    if (!Number.isInteger(out[key]) || out[key] < 1) throw new EbbError("CONFIG_INVALID", `telemetry ${key} must be a positive integer, got ${out[key]}`, { key, value: out[key] });
  }
  return Object.freeze(out);
}
