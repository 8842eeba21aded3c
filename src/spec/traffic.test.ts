import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { emptySample, TrafficCounter } from "./traffic.js";

test("collect() gives the time-weighted average in-flight over the interval, then resets it", () => {
  const clock = new ManualClock(0);
  const s = new TrafficCounter(clock.now());
  s.arrive(clock.now());
  s.arrive(clock.now());
  clock.advance(1000);
  s.depart(clock.now());
  clock.advance(1000);
  // 2 for 1000 ms, then 1 for 1000 ms: (2000 + 1000) / 2000.
  assert.deepEqual(s.collect(clock.now(), 0), { avgConcurrency: 1.5, arrivals: 2, intervalMs: 2000, inflight: 1, queued: 0, lastActiveAt: 1000 });
  clock.advance(500);
  assert.deepEqual(s.collect(clock.now(), 1), { avgConcurrency: 1, arrivals: 0, intervalMs: 500, inflight: 1, queued: 1, lastActiveAt: 1000 });
  s.depart(clock.now());
  clock.advance(3000);
  const idle = s.collect(clock.now(), 0);
  assert.equal(idle.avgConcurrency, 0);
  assert.equal(idle.lastActiveAt, 2500);
});

test("short spikes count by their duration, not as a point sample", () => {
  const s = new TrafficCounter(0);
  for (let i = 0; i < 10; i++) s.arrive(100);
  for (let i = 0; i < 10; i++) s.depart(200);
  // 10 in flight for 100 ms of a 1000 ms interval.
  const sample = s.collect(1000, 0);
  assert.equal(sample.avgConcurrency, 1);
  assert.equal(sample.arrivals, 10);
  assert.equal(sample.inflight, 0);
});

test("a zero-length interval reports the current in-flight; a clock behind the last change adds nothing", () => {
  const s = new TrafficCounter(50);
  s.arrive(100);
  s.collect(100, 0);
  assert.equal(s.collect(100, 0).avgConcurrency, 1);
  assert.equal(s.collect(90, 0).avgConcurrency, 1);
  assert.deepEqual(emptySample(), { avgConcurrency: 0, arrivals: 0, intervalMs: 0, inflight: 0, queued: 0, lastActiveAt: null });
});

test("the last arrival or completion is the last activity; a quiet interval averages 0", () => {
  const c = new TrafficCounter(0);
  c.arrive(100);
  c.depart(400);
  assert.deepEqual(c.collect(1000, 0), { avgConcurrency: 0.3, arrivals: 1, intervalMs: 1000, inflight: 0, queued: 0, lastActiveAt: 400 });
  assert.deepEqual(c.collect(2000, 0), { avgConcurrency: 0, arrivals: 0, intervalMs: 1000, inflight: 0, queued: 0, lastActiveAt: 400 });
});

test("a reading behind the counter's clock adds nothing", () => {
  const c = new TrafficCounter(1000);
  c.arrive(1000);
  c.collect(2000, 0);
  c.depart(1500);
  const s = c.collect(3000, 0);
  assert.equal(s.avgConcurrency, 0, "the late departure takes effect at the latest reading, 2000");
  assert.equal(s.inflight, 0);
});
