import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { FakeScaleTarget, FakeStats } from "./fake.js";
import type { ScaleDecision } from "./types.js";

test("FakeStats reports the time-weighted in-flight average since the previous collect", () => {
  const clock = new ManualClock(10_000);
  const stats = new FakeStats(clock);
  assert.deepEqual(stats.collect("a", 10_000), {
    avgConcurrency: 0,
    arrivals: 0,
    intervalMs: 0,
    inflight: 0,
    queued: 0,
    lastActiveAt: null,
  });
  stats.arrive("a", 2, { queued: true });
  clock.advance(250);
  stats.dispatch("a", 2);
  clock.advance(250);
  stats.finish("a");
  clock.advance(500);
  assert.deepEqual(stats.collect("a", clock.now()), {
    avgConcurrency: 1.5,
    arrivals: 2,
    intervalMs: 1000,
    inflight: 1,
    queued: 0,
    lastActiveAt: 10_500,
  });
  clock.advance(1000);
  const next = stats.collect("a", clock.now());
  assert.deepEqual([next.avgConcurrency, next.arrivals, next.intervalMs], [1, 0, 1000], "counters reset per collect");
  assert.equal(stats.collectCalls, 3);
  assert.equal(stats.inflight("a"), 1);
});

test("FakeStats: queued requests count as in flight; finishing drains them too", () => {
  const clock = new ManualClock(0);
  const stats = new FakeStats(clock);
  stats.arrive("a", 3, { queued: true });
  stats.finish("a", 2);
  const s = stats.collect("a", 0);
  assert.deepEqual([s.inflight, s.queued, s.avgConcurrency], [1, 1, 1]);
});

function decision(app: string, desired: number): ScaleDecision {
  return {
    app,
    at: 0,
    previous: 0,
    desired,
    rule: "wake",
    inputs: {
      metric: "concurrency",
      target: 7,
      stableLoad: 1,
      panicLoad: 1,
      stableWindowSec: 60,
      panicWindowSec: 6,
      panicking: false,
      readyReplicas: 0,
      idleSec: null,
      scaledownAfterSec: 300,
      min: 0,
      max: 1,
      kpaDesired: 1,
    },
  };
}

test("FakeScaleTarget records decisions, follows them when asked, and fails once on demand", () => {
  const manual = new FakeScaleTarget();
  manual.setReady("a", 2);
  manual.setDesired(decision("a", 5));
  assert.equal(manual.readyReplicas("a"), 2);
  assert.equal(manual.readyReplicas("b"), 0);
  assert.equal(manual.readyCalls, 2);

  const follow = new FakeScaleTarget({ follow: true });
  follow.setDesired(decision("a", 3));
  follow.setDesired(decision("b", 1));
  assert.equal(follow.readyReplicas("a"), 3);
  assert.deepEqual(follow.decisionsFor("b").map((d) => d.desired), [1]);
  follow.failNext = new Error("busy");
  assert.throws(() => follow.setDesired(decision("a", 4)), /busy/);
  follow.setDesired(decision("a", 4));
  assert.equal(follow.readyReplicas("a"), 4);
  assert.equal(follow.decisions.length, 3);
});
