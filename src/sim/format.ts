/**
 * The report as text: a two-column table for one run, and a trade-off table with one row per
 * swept value. Numbers are grouped by thousands; seconds keep three decimals for latencies and
 * one for replica-seconds. `--json` prints the report objects themselves instead.
 */
import { defaultAutoscalerConfig } from "../autoscaler/index.js";
import { formatDuration, metricKind, metricTarget, type ScalingSpec } from "../spec/index.js";
import type { SimReport } from "./report.js";

const int = (n: number): string => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
const one = (n: number): string => n.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pct = (rate: number): string => `${(100 * rate).toFixed(2)} %`;
const s3 = (n: number): string => n.toFixed(3);

/** "replicas [0, 5], scaledownAfter 5m, concurrency 2 (target 1.4 per replica), concurrencyLimit 4". */
export function describeScaling(s: ScalingSpec, utilization = defaultAutoscalerConfig.targetUtilization): string {
  const value = metricTarget(s.metric);
  const metric = `${metricKind(s.metric)} ${value} (target ${Number((value * utilization).toFixed(3))} per replica)`;
  const limit = s.concurrencyLimit === undefined ? "no concurrencyLimit" : `concurrencyLimit ${s.concurrencyLimit}`;
  return `replicas [${s.replicas[0]}, ${s.replicas[1]}], scaledownAfter ${formatDuration(s.scaledownAfter)}, ${metric}, ${limit}`;
}

/** One run: `context` lines (trace, policy, model) first, then the figures. */
export function formatReport(r: SimReport, context: ReadonlyArray<[string, string]>): string {
  const rows: Array<[string, string]> = [
    ...context,
    ["", ""],
    ["requests", int(r.requests)],
    ["cold-start waits", `${int(r.coldStartWaits)} (${pct(r.coldStartRate)})`],
    ["timeouts", int(r.timeouts)],
    ["refused (queue full)", int(r.rejected)],
    ["replica-seconds", one(r.replicaSeconds)],
    ["  busy", one(r.busyReplicaSeconds)],
    ["  idle", one(r.idleReplicaSeconds)],
    ["  starting", one(r.startingReplicaSeconds)],
    ["latency p50/p95/p99", `${s3(r.latency.p50)} / ${s3(r.latency.p95)} / ${s3(r.latency.p99)} s (mean ${s3(r.latency.mean)}, max ${s3(r.latency.max)})`],
    ["peak replicas", int(r.peakReplicas)],
    ["replica starts", int(r.replicaStarts)],
    ["scaling actions", `${int(r.scalingActions.up)} up, ${int(r.scalingActions.down)} down`],
  ];
  if (r.perApp) {
    const p = r.perApp;
    rows.push(["per-app cold start", `median ${p.coldStartPctMedian.toFixed(2)} %, 3rd quartile ${p.coldStartPctQ3.toFixed(2)} % (${int(p.appsWithRequests)} apps with requests)`]);
  }
  if (r.paper) {
    const b = r.paper.baseline;
    rows.push(["wasted (idle) time", `${r.paper.wastedTimePct.toFixed(1)} % of a fixed ${formatDuration(b.keepAliveSec)} keep-alive`]);
    rows.push(["  baseline", `replicas [0, 1], scaledownAfter ${formatDuration(b.keepAliveSec)}: idle ${one(b.idleReplicaSeconds)} replica-s, Q3 app cold start ${b.coldStartPctQ3.toFixed(2)} %`]);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => (k === "" && v === "" ? "" : `${k.padEnd(w)}  ${v}`)).join("\n") + "\n";
}

/** One row per swept value; the paper columns appear when the reports carry them. */
export function formatSweep(key: string, runs: ReadonlyArray<{ value: number | string; report: SimReport }>): string {
  const paper = runs.some((x) => x.report.paper);
  const head = [key, "cold waits", "cold %", "idle replica-s", "replica-s", "p50 s", "p95 s", "p99 s", "peak", "up/down", "timeouts"];
  if (paper) head.push("Q3 app cold %", "wasted %");
  const body = runs.map(({ value, report: r }) => {
    const row = [
      String(value),
      int(r.coldStartWaits),
      (100 * r.coldStartRate).toFixed(2),
      one(r.idleReplicaSeconds),
      one(r.replicaSeconds),
      s3(r.latency.p50),
      s3(r.latency.p95),
      s3(r.latency.p99),
      int(r.peakReplicas),
      `${r.scalingActions.up}/${r.scalingActions.down}`,
      int(r.timeouts),
    ];
    if (paper) row.push(r.paper ? r.paper.coldStartPctQ3.toFixed(2) : "", r.paper ? r.paper.wastedTimePct.toFixed(1) : "");
    return row;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (row: string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...body.map(line)].join("\n") + "\n";
}
