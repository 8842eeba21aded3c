import { test } from "node:test";
import assert from "node:assert/strict";
import { clientClosedStatus, durationBucketsSec, RequestMetrics } from "./request-metrics.js";

test("answers are counted by status, sorted by code", () => {
  const m = new RequestMetrics();
  for (const status of [503, 200, 200, clientClosedStatus, 404, 200]) m.record(status, 1);
  assert.deepEqual(m.snapshot("a", 0, 0).requests, { "200": 3, "404": 1, "499": 1, "503": 1 });
  assert.deepEqual(Object.keys(m.snapshot("a", 0, 0).requests), ["200", "404", "499", "503"]);
});

test("durations land in cumulative buckets by their upper bound in seconds", () => {
  const m = new RequestMetrics();
  // 5 ms sits on the first bound (le="0.005"); 6 ms goes to the next one.
  for (const ms of [5, 6, 100, 2_000, 7_200_000]) m.record(200, ms);
  const { duration, app, inflight, queued } = m.snapshot("a", 2, 1);
  assert.deepEqual({ app, inflight, queued }, { app: "a", inflight: 2, queued: 1 });
  assert.equal(duration.bucketsSec, durationBucketsSec);
  const le = (sec: number) => duration.cumulative[durationBucketsSec.indexOf(sec)];
  assert.equal(le(0.005), 1);
  assert.equal(le(0.01), 2);
  assert.equal(le(0.1), 3);
  assert.equal(le(2.5), 4);
  assert.equal(le(3600), 4, "a request past the last bound counts only in +Inf (count)");
  assert.equal(duration.count, 5);
  assert.equal(duration.sumSec, 7_202.111);
});

test("the bounds are increasing and end at the longest request timeout", () => {
  for (let i = 1; i < durationBucketsSec.length; i++) assert.ok(durationBucketsSec[i]! > durationBucketsSec[i - 1]!);
  assert.equal(durationBucketsSec[durationBucketsSec.length - 1], 3600);
  assert.ok(Object.isFrozen(durationBucketsSec));
});
