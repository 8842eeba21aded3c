/**
 * The trade-off table `ebb advise` prints: one row per candidate, the recommended one marked
 * with `*` and named in the last column, as is the app's current setting. Columns follow
 * `ebb sim --sweep` (format.ts): cold-start waits and rate, replica-seconds (all and idle),
 * latency percentiles, peak replicas and replica starts.
 */
import { formatDuration, metricKind, metricTarget } from "../spec/index.js";
import type { Advice, AdviseRun } from "./advise.js";

const int = (n: number): string => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
const one = (n: number): string => n.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatAdviceTable(runs: readonly AdviseRun[], advice: Advice): string {
  const kind = metricKind(runs[0]!.candidate.metric);
  const head = ["", "scaledownAfter", kind, "cold waits", "cold %", "replica-s", "idle replica-s", "p50 s", "p95 s", "p99 s", "peak", "starts", ""];
  const body = runs.map(({ candidate: c, report: r }, i) => {
    const notes = [i === advice.chosen ? "recommended" : "", i === advice.current ? "current" : ""].filter(Boolean).join(", ");
    return [
      i === advice.chosen ? "*" : "",
      formatDuration(c.scaledownAfter),
      `${metricTarget(c.metric)} (x${c.factor})`,
      int(r.coldStartWaits),
      (100 * r.coldStartRate).toFixed(2),
      one(r.replicaSeconds),
      one(r.idleReplicaSeconds),
      r.latency.p50.toFixed(3),
      r.latency.p95.toFixed(3),
      r.latency.p99.toFixed(3),
      int(r.peakReplicas),
      int(r.replicaStarts),
      notes,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const left = new Set([0, 1, head.length - 1]);
  const line = (row: string[]): string =>
    row
      .map((cell, i) => (left.has(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), ...body.map(line)].join("\n") + "\n";
}
