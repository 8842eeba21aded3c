import { test } from "node:test";
import assert from "node:assert/strict";
import { TrafficCounter } from "./traffic-counter.js";

test("collect reports the time-weighted average in flight and the arrivals since the last collect", () => {
  const c = new TrafficCounter(0);
  c.arrive(0);
  c.arrive(0);
  c.depart(1000);
  const s = c.collect(2000, 0);
  assert.deepEqual(s, { avgConcurrency: 1.5, arrivals: 2, intervalMs: 2000, inflight: 1, queued: 0, lastActiveAt: 1000 });
  const next = c.collect(3000, 1);
  assert.deepEqual(next, { avgConcurrency: 1, arrivals: 0, intervalMs: 1000, inflight: 1, queued: 1, lastActiveAt: 1000 });
});

test("a collect at the same instant reports the in-flight count as the average", () => {
  const c = new TrafficCounter(500);
  c.arrive(500);
  assert.equal(c.collect(500, 0).avgConcurrency, 1);
});

test("the last arrival or completion is the last activity; a quiet interval averages 0", () => {
  const c = new TrafficCounter(0);
  c.arrive(100);
  c.depart(400);
  assert.deepEqual(c.collect(1000, 0), { avgConcurrency: 0.3, arrivals: 1, intervalMs: 1000, inflight: 0, queued: 0, lastActiveAt: 400 });
  assert.deepEqual(c.collect(2000, 0), { avgConcurrency: 0, arrivals: 0, intervalMs: 1000, inflight: 0, queued: 0, lastActiveAt: 400 });
});

test("a reading behind the counter's clock adds nothing (as the gateway's)", () => {
  const c = new TrafficCounter(1000);
  c.arrive(1000);
  c.collect(2000, 0);
  c.depart(1500);
  const s = c.collect(3000, 0);
  assert.equal(s.avgConcurrency, 0, "the late departure takes effect at the latest reading, 2000");
  assert.equal(s.inflight, 0);
});
