/**
 * ebb's Prometheus exposition (docs/metrics.md): per-app request, replica, cold-start and
 * scaling figures, labelled by `app`, plus the process's own. Counters and histograms come from
 * the gateway's counters and from events, as they stand at the scrape.
 *
 * Kept cheap with many idle apps, within Prometheus conventions: a labelled counter or histogram
 * appears once it has counted something (as client libraries do for labelled children), and
 * the per-app gauges (in flight, wake queue, replicas) are written for apps that are awake, or
 * were within `idleSeriesGraceMs`, so a scraper sees each drop to 0 before the series ends.
 * An app idle at zero costs a few comparisons per scrape and no output.
 */
import { PrometheusText } from "../kit/prometheus.js";
import type { ReplicaCounts } from "../spec/types.js";
import { cumulativeOf, type EventFigures } from "./telemetry-events.js";
import type { AppRequestMetrics, ProcessFigures, RequestMetricsSnapshot } from "./telemetry-ports.js";

export interface MetricsInput {
  snapshot: RequestMetricsSnapshot;
  /** Apps deployed. */
  appCount: number;
  /** Desired and ready replicas, O(1). */
  replicaScale(app: string): { desired: number; ready: number } | undefined;
  /** Every replica count (may ask the runtime); called only for awake apps. */
  replicaCounts(app: string): ReplicaCounts | undefined;
  /** Whether the app was awake within the grace period. */
  recentlyAwake(app: string): boolean;
  events: EventFigures;
  process: ProcessFigures | null;
}

const replicaStates = ["desired", "ready", "starting", "draining"] as const;

export function renderMetrics(input: MetricsInput): string {
  const p = new PrometheusText();
  const apps = input.snapshot.apps;
  p.gauge("ebb_apps", "Apps deployed.").add({}, input.appCount);

  const requests = p.counter("ebb_requests_total", "Requests answered by the gateway, by app and HTTP status code (499: the client left first).");
  for (const m of apps) for (const code in m.requests) requests.add({ app: m.app, code }, m.requests[code]!);
  p.counter("ebb_requests_unrouted_total", "Requests whose Host matched no app (answered 404).").add({}, input.snapshot.unrouted);

  const duration = p.histogram("ebb_request_duration_seconds", "Time from a request's arrival at the gateway to the end of its answer, waiting for a replica included.");
  for (const m of apps) {
    if (m.duration.count === 0) continue;
    const d = m.duration;
    duration.add({ app: m.app }, { bounds: d.bucketsSec, cumulative: d.cumulative, sum: d.sumSec, count: d.count });
  }

  const awake = apps.filter((m) => isAwake(m, input));
  const inflight = p.gauge("ebb_requests_in_flight", "Requests in flight now, waiting ones included.");
  for (const m of awake) inflight.add({ app: m.app }, m.inflight);
  const queue = p.gauge("ebb_wake_queue_depth", "Requests waiting for a replica to become ready.");
  for (const m of awake) queue.add({ app: m.app }, m.queued);
  const replicas = p.gauge("ebb_replicas", "Replicas by state: desired (the autoscaler's count), ready, starting, draining.");
  for (const m of awake) {
    const counts = input.replicaCounts(m.app);
    if (counts) for (const state of replicaStates) replicas.add({ app: m.app, state }, counts[state]);
  }

  const figures = [...input.events.entries()];
  const cold = p.histogram("ebb_cold_start_duration_seconds", "Scale-from-zero time: from the request that woke the app to its first response byte.");
  const bounds = input.events.boundsSec;
  for (const [app, f] of figures) {
    if (f.coldStartBuckets === null) continue;
    cold.add({ app }, { bounds, cumulative: cumulativeOf(f.coldStartBuckets, bounds.length), sum: f.coldStartSumSec, count: f.coldStartCount });
  }
  const scaling = p.counter("ebb_scaling_actions_total", "Changes of desired replicas: up (ScaledUp), down (ScaledDown, ScaledToZero).");
  for (const [app, f] of figures) {
    if (f.scaledUp + f.scaledDown === 0) continue;
    scaling.add({ app, direction: "up" }, f.scaledUp).add({ app, direction: "down" }, f.scaledDown);
  }

  if (input.process) writeProcess(p, input.process);
  return p.text();
}

function isAwake(m: AppRequestMetrics, input: MetricsInput): boolean {
  if (m.inflight > 0 || m.queued > 0) return true;
  const scale = input.replicaScale(m.app);
  return (scale !== undefined && (scale.desired > 0 || scale.ready > 0)) || input.recentlyAwake(m.app);
}

function writeProcess(p: PrometheusText, f: ProcessFigures): void {
  p.gauge("process_resident_memory_bytes", "Resident memory size in bytes.").add({}, f.residentMemoryBytes);
  p.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.").add({}, f.cpuSeconds);
  p.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.").add({}, f.startTimeSeconds);
  const lag = (name: string, help: string, value: number | null): void => {
    const family = p.gauge(name, help);
    if (value !== null) family.add({}, value);
  };
  lag("nodejs_eventloop_lag_seconds", "Mean event-loop delay since the previous scrape, in seconds.", f.eventLoopLagSeconds);
  lag("nodejs_eventloop_lag_p99_seconds", "99th percentile of the event-loop delay since the previous scrape, in seconds.", f.eventLoopLagP99Seconds);
  lag("nodejs_eventloop_lag_max_seconds", "Largest event-loop delay since the previous scrape, in seconds.", f.eventLoopLagMaxSeconds);
}
