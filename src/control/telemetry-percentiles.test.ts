import { test } from "node:test";
import assert from "node:assert/strict";
import { addCounts, bucketDeltas, quantileMs } from "./telemetry-percentiles.js";

const bounds = [0.005, 0.01, 0.025];

test("the worked example of the module header", () => {
  const counts = [2, 6, 2, 0];
  assert.equal(quantileMs(0.5, bounds, counts), 7.5);
  assert.equal(quantileMs(0.99, bounds, counts), 24.25);
});

test("no requests gives null; one request interpolates inside its bucket", () => {
  assert.equal(quantileMs(0.5, bounds, [0, 0, 0, 0]), null);
  // One request in (0, 5 ms]: p50 sits halfway, p99 near the top of the bucket.
  assert.equal(quantileMs(0.5, bounds, [1, 0, 0, 0]), 2.5);
  assert.equal(quantileMs(0.99, bounds, [1, 0, 0, 0]), 4.95);
});

test("empty buckets before the rank are skipped, not interpolated into", () => {
  // 4 requests all in (10 ms, 25 ms]: p50 is the 2nd of them, 10 + 15 x 2/4.
  assert.equal(quantileMs(0.5, bounds, [0, 0, 4, 0]), 17.5);
});

test("requests past the last bound give the last bound (a lower estimate)", () => {
  assert.equal(quantileMs(0.5, bounds, [0, 0, 0, 3]), 25);
  assert.equal(quantileMs(0.99, bounds, [9, 0, 0, 1]), 25);
  assert.equal(quantileMs(0.5, bounds, [9, 0, 0, 1]), 2.778);
});

test("bucket deltas between two cumulative readings, with +Inf last", () => {
  // Before: 1 in le=5ms, 3 up to 10ms, 3 up to 25ms, 4 in all. After: 3, 6, 7, 9.
  assert.deepEqual(bucketDeltas([3, 6, 7], 9, [1, 3, 3], 4), [2, 1, 1, 1]);
  // No previous reading: everything counts.
  assert.deepEqual(bucketDeltas([3, 6, 7], 9, null, 0), [3, 3, 1, 2]);
  // A counter reset (the count went down) counts from zero too.
  assert.deepEqual(bucketDeltas([1, 1, 1], 1, [3, 6, 7], 9), [1, 0, 0, 0]);
  // Nothing new.
  assert.deepEqual(bucketDeltas([3, 6, 7], 9, [3, 6, 7], 9), [0, 0, 0, 0]);
});

test("counts add up element by element", () => {
  const into = [1, 0, 2];
  addCounts(into, [1, 1, 1]);
  assert.deepEqual(into, [2, 1, 3]);
});
