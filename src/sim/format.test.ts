import { test } from "node:test";
import assert from "node:assert/strict";
import { describeScaling, formatReport, formatSweep } from "./format.js";
import type { SimReport } from "./report.js";

const report: SimReport = {
  trace: "t.csv",
  apps: 2,
  durationSeconds: 100,
  requests: 12345,
  served: 12340,
  coldStartWaits: 123,
  coldStartRate: 123 / 12345,
  timeouts: 5,
  rejected: 0,
  replicaSeconds: 4321.5,
  idleReplicaSeconds: 1000,
  busyReplicaSeconds: 3300,
  startingReplicaSeconds: 21.5,
  latency: { p50: 0.5, p95: 2.25, p99: 8, mean: 0.9, max: 20 },
  peakReplicas: 7,
  replicaStarts: 40,
  scalingActions: { up: 40, down: 38 },
  perApp: { appsWithRequests: 2, coldStartPctMedian: 10, coldStartPctQ3: 42.5 },
  paper: { coldStartPctQ3: 42.5, wastedTimePct: 80, baseline: { keepAliveSec: 600, coldStartPctQ3: 30, idleReplicaSeconds: 1250 } },
};

test("the single-run table carries every figure", () => {
  const text = formatReport(report, [["trace", "t.csv"]]);
  for (const want of ["12,345", "123 (1.00 %)", "4,321.5", "1,000.0", "0.500 / 2.250 / 8.000 s", "40 up, 38 down", "3rd quartile 42.50 %", "80.0 % of a fixed 10m keep-alive"]) {
    assert.ok(text.includes(want), `missing ${want} in\n${text}`);
  }
});

test("the sweep table has one aligned row per value and the paper columns when present", () => {
  const lines = formatSweep("scaledownAfter", [
    { value: 30, report },
    { value: "10m", report },
  ]).trimEnd().split("\n");
  assert.equal(lines.length, 3);
  assert.ok(lines[0]!.startsWith("scaledownAfter") && lines[0]!.includes("wasted %"));
  assert.ok(lines[2]!.startsWith("10m"));
  assert.equal(new Set(lines.map((l) => l.length)).size, 1, "columns line up");
});

test("the policy reads as one line", () => {
  assert.equal(
    describeScaling({ replicas: [0, 3], scaledownAfter: 600, metric: { concurrency: 2 }, concurrencyLimit: 4 }),
    "replicas [0, 3], scaledownAfter 10m, concurrency 2 (target 1.4 per replica), concurrencyLimit 4",
  );
});
