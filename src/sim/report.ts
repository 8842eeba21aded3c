/**
 * What a replay reports (docs/simulation.md, "Reading the report"), built from the apps' counters
 * at the end of the run. Seconds everywhere, rounded to the millisecond.
 *
 * - coldStartWaits: requests that had to wait because no replica of their app was ready (the app
 *   was at zero or its first replicas were still starting); coldStartRate = that / requests.
 * - replicaSeconds = startingReplicaSeconds + idleReplicaSeconds + busyReplicaSeconds: a replica
 *   costs from the moment it is asked for until it has stopped (a removed one drains first). It
 *   is starting until ready, then idle while ready with nothing in flight, else busy (serving,
 *   or draining its last requests). Starting time is neither idle nor busy.
 * - latency: arrival to the end of the response, waiting included, over every request answered
 *   by a replica or by a timeout (a timed-out one counts as the timeout); refused ones are out.
 * - perApp (traces with several apps): the per-app cold-start % (cold-start waits / requests of
 *   the app, over apps with at least one request), its median and 3rd quartile (75th percentile,
 *   interpolated linearly between order statistics, as numpy's default).
 * - paper: the measures of "Serverless in the Wild" against a fixed keep-alive (below).
 */
import type { ScalingSpec } from "../spec/index.js";
import type { AppModel } from "./app-model.js";
import type { LatencyHistogram } from "./histogram.js";
import { simDefaults } from "./types.js";

export interface PerAppMeasures {
  /** Apps with at least one request. */
  appsWithRequests: number;
  coldStartPctMedian: number;
  /** 3rd quartile across apps of the per-app cold-start %. */
  coldStartPctQ3: number;
}

export interface SimReport {
  trace: string;
  apps: number;
  /** Simulated span, from the trace's start to the end of the run (s). */
  durationSeconds: number;
  requests: number;
  served: number;
  coldStartWaits: number;
  coldStartRate: number;
  timeouts: number;
  /** Refused because the app's wait queue was full. */
  rejected: number;
  replicaSeconds: number;
  idleReplicaSeconds: number;
  busyReplicaSeconds: number;
  startingReplicaSeconds: number;
  latency: { p50: number; p95: number; p99: number; mean: number; max: number };
  /** Most replicas alive at once (starting, ready and draining; across apps for several apps). */
  peakReplicas: number;
  /** Replicas started (each one a cold start). */
  replicaStarts: number;
  /** Changes of the desired count: up and down. */
  scalingActions: { up: number; down: number };
  perApp?: PerAppMeasures;
  /** The paper measures against the fixed keep-alive baseline (paper.ts), when asked for. */
  paper?: PaperMeasures;
}

const sec = (ms: number): number => Math.round(ms) / 1000;

export function buildReport(
  trace: string,
  spanMs: number,
  apps: Iterable<AppModel>,
  latency: LatencyHistogram,
  fleetPeak: number,
  actions: { up: number; down: number },
): SimReport {
  let requests = 0;
  let cold = 0;
  let timeouts = 0;
  let rejected = 0;
  let starts = 0;
  let startingMs = 0;
  let idleMs = 0;
  let busyMs = 0;
  let count = 0;
  const pcts: number[] = [];
  for (const a of apps) {
    count++;
    requests += a.requests;
    cold += a.coldStartWaits;
    timeouts += a.timeouts;
    rejected += a.rejected;
    starts += a.replicaStarts;
    startingMs += a.startingMs;
    idleMs += a.idleMs;
    busyMs += a.busyMs;
    if (a.requests > 0) pcts.push((100 * a.coldStartWaits) / a.requests);
  }
  const report: SimReport = {
    trace,
    apps: count,
    durationSeconds: sec(spanMs),
    requests,
    served: requests - timeouts - rejected,
    coldStartWaits: cold,
    coldStartRate: requests === 0 ? 0 : cold / requests,
    timeouts,
    rejected,
    replicaSeconds: sec(startingMs + idleMs + busyMs),
    idleReplicaSeconds: sec(idleMs),
    busyReplicaSeconds: sec(busyMs),
    startingReplicaSeconds: sec(startingMs),
    latency: {
      p50: sec(latency.quantile(0.5)),
      p95: sec(latency.quantile(0.95)),
      p99: sec(latency.quantile(0.99)),
      mean: sec(latency.meanMs),
      max: sec(latency.maxMs),
    },
    peakReplicas: fleetPeak,
    replicaStarts: starts,
    scalingActions: { ...actions },
  };
  if (count > 1) {
    report.perApp = {
      appsWithRequests: pcts.length,
      coldStartPctMedian: round3(percentile(pcts, 0.5)),
      coldStartPctQ3: round3(percentile(pcts, 0.75)),
    };
  }
  return report;
}

/** Linear interpolation between order statistics: position q x (n - 1) of the sorted values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The measures of "Serverless in the Wild" (Shahrad et al., ATC 2020, Fig. 15), for traces with
 * several apps: the 3rd quartile across apps of the per-app cold-start %, and the wasted
 * (idle) replica time normalised to a fixed 10-minute keep-alive.
 *
 * The 100 % baseline is the same trace replayed with the same seed, cold-start and service-time
 * models and request timeout, under `{ replicas: [0, 1], scaledownAfter: 600 }` with the policy's
 * own metric and no concurrencyLimit: one replica per app taking every request at once, kept
 * 10 minutes after the app's last request ended (plus the idle rule's tick of slack), which is
 * the paper's fixed keep-alive with the app as the unit. Wasted time is idle replica-seconds
 * (ready, nothing in flight), not weighted by memory; normalised = policy idle / baseline idle.
 */
export interface PaperMeasures {
  /** 3rd quartile across apps of the per-app cold-start % under the policy. */
  coldStartPctQ3: number;
  /** Policy idle replica-seconds as a % of the baseline's. */
  wastedTimePct: number;
  baseline: {
    keepAliveSec: number;
    coldStartPctQ3: number;
    idleReplicaSeconds: number;
  };
}

/** The baseline's scaling block (see the module header). */
export function baselineScaling(policy: ScalingSpec, keepAliveSec: number = simDefaults.baselineKeepAliveSec): ScalingSpec {
  return { replicas: [0, 1], scaledownAfter: keepAliveSec, metric: policy.metric };
}

export function paperMeasures(policy: SimReport, baseline: SimReport, keepAliveSec: number = simDefaults.baselineKeepAliveSec): PaperMeasures {
  const base = baseline.idleReplicaSeconds;
  return {
    coldStartPctQ3: policy.perApp?.coldStartPctQ3 ?? 0,
    wastedTimePct: base > 0 ? round3((100 * policy.idleReplicaSeconds) / base) : 0,
    baseline: {
      keepAliveSec,
      coldStartPctQ3: baseline.perApp?.coldStartPctQ3 ?? 0,
      idleReplicaSeconds: base,
    },
  };
}
