import { test } from "node:test";
import assert from "node:assert/strict";
import type { MetricSample } from "../../api/client.js";
import { chartRange, markersFrom, shapeSamples, stepFor, totals } from "./chart-data.js";

const sample = (time: number, over: Partial<MetricSample> = {}): MetricSample => ({
  app: "hello",
  time,
  desired: 0,
  ready: 0,
  inflight: 0,
  requests: 0,
  errors: 0,
  p50Ms: null,
  p99Ms: null,
  coldStarts: 0,
  ...over,
});

test("steps are round and keep a range under 900 points, as the server's default", () => {
  assert.equal(stepFor(15 * 60_000), 1000);
  assert.equal(stepFor(60 * 60_000), 5000);
  assert.equal(stepFor(24 * 3600_000), 120_000);
  assert.ok((24 * 3600_000) / stepFor(24 * 3600_000) <= 900);
});

test("the range ends after now on the grid and starts no earlier than the app, with a minimum span", () => {
  const now = 1_000_000_500;
  const r = chartRange(now, 15 * 60_000, null);
  assert.deepEqual(r, { from: 1_000_001_000 - 900_000, to: 1_000_001_000, step: 1000 });
  const young = chartRange(now, 15 * 60_000, now - 10_000);
  assert.equal(young.to - young.from, 60_000, "a 10 s old app still gets a minute of axis");
  const older = chartRange(now, 15 * 60_000, now - 120_400);
  assert.equal(older.from, 999_880_000, "starts at the bucket of its creation");
});

test("a sparse history fills the grid: replicas carry over gaps, counts are 0, latency has no line", () => {
  const range = { from: 10_000, to: 16_000, step: 1000 };
  const s = shapeSamples(
    [
      sample(5_000, { desired: 2, ready: 2 }),
      sample(11_000, { desired: 1, ready: 1, requests: 4, inflight: 3, p50Ms: 12, p99Ms: 40, errors: 1 }),
      sample(14_500, { desired: 0, ready: 0, requests: 1, p50Ms: 8, p99Ms: 8 }),
    ],
    range,
  );
  assert.deepEqual(s.time, [10, 11, 12, 13, 14, 15]);
  assert.deepEqual(s.desired, [2, 1, 1, 1, 0, 0]);
  assert.deepEqual(s.ready, [2, 1, 1, 1, 0, 0]);
  assert.deepEqual(s.rps, [0, 4, 0, 0, 1, 0]);
  assert.deepEqual(s.errorsPerSec, [0, 1, 0, 0, 0, 0]);
  assert.deepEqual(s.inflight, [0, 3, 0, 0, 0, 0]);
  assert.deepEqual(s.p50, [null, 12, null, null, 8, null]);
  assert.deepEqual(s.p99, [null, 40, null, null, 8, null]);
});

test("request rate is per second whatever the step", () => {
  const s = shapeSamples([sample(120_000, { requests: 600 })], { from: 0, to: 240_000, step: 120_000 });
  assert.deepEqual(s.rps, [0, 5]);
});

test("cold starts and scaling changes inside the range become marks, in time order", () => {
  const range = { from: Date.parse("2025-03-01T12:00:00Z"), to: Date.parse("2025-03-01T12:15:00Z"), step: 1000 };
  const marks = markersFrom(
    [
      { type: "ScaledToZero", time: "2025-03-01T12:10:00Z", message: "ScaledToZero 1->0" },
      { type: "ColdStart", time: "2025-03-01T12:01:00.500Z", message: "ColdStart 80 ms" },
      { type: "ScaledUp", time: "2025-03-01T12:01:00Z", message: "ScaledUp 0->1" },
      { type: "ReplicaReady", time: "2025-03-01T12:01:00Z", message: "ready" },
      { type: "ScaledUp", time: "2025-03-01T11:00:00Z", message: "before the range" },
    ],
    range,
  );
  assert.deepEqual(
    marks.map((m) => [m.kind, m.time - range.from / 1000]),
    [
      ["scale-up", 60],
      ["cold-start", 60.5],
      ["scale-down", 600],
    ],
  );
});

test("totals sum requests, errors and cold starts", () => {
  assert.deepEqual(totals([sample(0, { requests: 3, errors: 1, coldStarts: 1 }), sample(1000, { requests: 2 })]), { requests: 5, errors: 1, coldStarts: 1 });
});
