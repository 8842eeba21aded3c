import { test } from "node:test";
import assert from "node:assert/strict";
import type { AppModel } from "./app-model.js";
import { LatencyHistogram } from "./histogram.js";
import { baselineScaling, buildReport, paperMeasures, percentile, type SimReport } from "./report.js";

/** The counters buildReport reads from an app. */
function app(requests: number, cold: number, costMs: { starting: number; idle: number; busy: number }, extra: Partial<AppModel> = {}): AppModel {
  return {
    requests,
    coldStartWaits: cold,
    timeouts: 0,
    rejected: 0,
    replicaStarts: cold > 0 ? 1 : 0,
    startingMs: costMs.starting,
    idleMs: costMs.idle,
    busyMs: costMs.busy,
    ...extra,
  } as AppModel;
}

test("the report sums the apps' counters, in seconds to the millisecond", () => {
  const latency = new LatencyHistogram();
  for (const ms of [100, 200, 300, 4000]) latency.record(ms);
  const r = buildReport("t", 60_000.4, [app(10, 2, { starting: 1000, idle: 2500.6, busy: 500 }, { timeouts: 1, rejected: 2 })], latency, 1, { up: 3, down: 2 });
  assert.equal(r.requests, 10);
  assert.equal(r.served, 7);
  assert.equal(r.coldStartRate, 0.2);
  assert.equal(r.replicaSeconds, 4.001);
  assert.equal(r.idleReplicaSeconds, 2.501);
  assert.equal(r.durationSeconds, 60);
  assert.equal(r.latency.max, 4);
  assert.deepEqual(r.scalingActions, { up: 3, down: 2 });
  assert.equal(r.perApp, undefined, "one app: no per-app measures");
});

test("several apps: per-app cold-start % over the apps with requests", () => {
  const cost = { starting: 0, idle: 0, busy: 0 };
  const r = buildReport("t", 1000, [app(4, 4, cost), app(10, 1, cost), app(0, 0, cost), app(5, 0, cost)], new LatencyHistogram(), 3, { up: 0, down: 0 });
  assert.deepEqual(r.perApp, { appsWithRequests: 3, coldStartPctMedian: 10, coldStartPctQ3: 55 });
});

test("percentiles interpolate linearly between order statistics (numpy's default)", () => {
  assert.equal(percentile([10, 0, 20, 30], 0.75), 22.5);
  assert.equal(percentile([1, 2, 3, 4, 5], 0.5), 3);
  assert.equal(percentile([7], 0.75), 7);
  assert.equal(percentile([], 0.75), 0);
  assert.equal(percentile([0, 100, 100, 100], 0.75), 100);
});

test("the baseline is one replica per app kept 10 minutes, with the policy's metric and no limit", () => {
  assert.deepEqual(baselineScaling({ replicas: [2, 9], scaledownAfter: 30, metric: { requestRate: 5 }, concurrencyLimit: 3 }), {
    replicas: [0, 1],
    scaledownAfter: 600,
    metric: { requestRate: 5 },
  });
});

test("wasted time is the policy's idle replica-seconds as a % of the baseline's", () => {
  const report = (idle: number, q3: number) =>
    ({ idleReplicaSeconds: idle, perApp: { appsWithRequests: 4, coldStartPctMedian: 0, coldStartPctQ3: q3 } }) as SimReport;
  assert.deepEqual(paperMeasures(report(50, 40), report(200, 25)), {
    coldStartPctQ3: 40,
    wastedTimePct: 25,
    baseline: { keepAliveSec: 600, coldStartPctQ3: 25, idleReplicaSeconds: 200 },
  });
  assert.equal(paperMeasures(report(50, 40), report(0, 25)).wastedTimePct, 0);
});
