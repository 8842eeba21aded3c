/**
 * The decider against the cases of Knative's pkg/autoscaler/scaling/autoscaler_test.go, with the
 * same specs (utilisation 0.75, rates 10, panic 200 %, 60 s stable window) and expected counts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { KpaDecider, type KpaConfig } from "./kpa.js";

function spec(target: number, tbc: number, more: Partial<KpaConfig> = {}): KpaConfig {
  return {
    target,
    total: target / 0.75,
    targetBurstCapacity: tbc,
    panicThreshold: 2,
    maxScaleUpRate: 10,
    maxScaleDownRate: 10,
    stableWindowSeconds: 60,
    ...more,
  };
}

/** Knative's expectedEBC: floor(total per pod x pods - TBC - panic load). */
const ebc = (target: number, tbc: number, panic: number, pods: number): number =>
  Math.floor((target / 0.75) * pods - tbc - panic);

function decide(d: KpaDecider, nowMs: number, ready: number, stable: number, panic: number) {
  return d.decide({ nowMs, readyReplicas: ready, stable, panic });
}

test("stable mode: scale up on the stable load, panic load only in the EBC", () => {
  const d = new KpaDecider(spec(10, 101), 1);
  assert.deepEqual(decide(d, 0, 1, 50, 10), { valid: true, desired: 5, excessBurstCapacity: ebc(10, 101, 10, 1), panicking: false });
  assert.equal(decide(d, 0, 1, 100, 10).desired, 10);
});

test("stable mode: decrease, and to zero when the stable load is gone", () => {
  const d = new KpaDecider(spec(10, 98), 1);
  assert.equal(decide(d, 0, 8, 100, 100).desired, 10);
  assert.equal(decide(d, 0, 8, 50, 50).desired, 5);
  const z = new KpaDecider(spec(10, 75), 1);
  assert.equal(decide(z, 0, 1, 1, 0).desired, 1);
  assert.equal(decide(z, 0, 1, 0, 0).desired, 0);
});

test("panic: entered on the unclamped panic count and taken from the larger of S and P", () => {
  const d = new KpaDecider(spec(10, 84), 1);
  assert.deepEqual(decide(d, 0, 1, 50, 100), { valid: true, desired: 10, excessBurstCapacity: ebc(10, 84, 100, 1), panicking: true });
  assert.equal(d.state.panicSinceMs, 0);
  const stableLarger = new KpaDecider(spec(1, 100), 5);
  assert.equal(decide(stableLarger, 0, 5, 50, 30).desired, 50, "stable above panic: stable wins");
  const panicLarger = new KpaDecider(spec(1, 100), 5);
  assert.equal(decide(panicLarger, 0, 5, 20, 30).desired, 30, "panic above stable: panic wins");
});

test("panic ratchets up, never scales down, and ends a stable window after the last trigger", () => {
  const clock = new ManualClock(1_000_000);
  const d = new KpaDecider(spec(10, 93), 1);
  assert.equal(decide(d, clock.now(), 1, 100, 100).desired, 10);
  const panicAt = clock.now();
  assert.deepEqual(decide(d, panicAt, 10, 100, 1000), { valid: true, desired: 100, excessBurstCapacity: ebc(10, 93, 1000, 10), panicking: true });
  clock.advance(30_000);
  assert.equal(decide(d, clock.now(), 10, 1, 1).desired, 100, "traffic dropped; still panicking");
  clock.advance(30_000);
  assert.equal(decide(d, clock.now(), 10, 1, 1).desired, 100, "exactly a window later: not yet over");
  clock.advance(1000);
  const after = decide(d, clock.now(), 10, 1, 1);
  assert.deepEqual([after.desired, after.panicking], [1, false]);
  assert.deepEqual(d.state, { panicking: false, panicSinceMs: null, highWater: 0 });
});

test("panic: a slow increase keeps the start time; a renewed surge extends it", () => {
  const slow = new KpaDecider(spec(1, 98), 1);
  assert.equal(decide(slow, 0, 10, 11, 25).desired, 25);
  assert.equal(decide(slow, 30_000, 40, 30, 41).desired, 41);
  assert.equal(slow.state.panicSinceMs, 0, "41 / 40 is under 200 %: panic time does not move");
  const end = decide(slow, 62_000, 55, 50, 56);
  assert.deepEqual([end.desired, end.panicking], [50, false]);

  const surge = new KpaDecider(spec(1, 98), 1);
  decide(surge, 0, 10, 11, 25);
  assert.equal(decide(surge, 30_000, 40, 30, 80).desired, 80);
  assert.equal(surge.state.panicSinceMs, 30_000, "80 / 40 is 200 %: panic extended");
});

test("panic tracks an exponential climb and stabilises", () => {
  const d = new KpaDecider(spec(1, 101), 1);
  assert.equal(decide(d, 0, 1, 6, 6).desired, 6);
  assert.equal(decide(d, 0, 6, 36, 36).desired, 36);
  assert.equal(decide(d, 1000, 36, 216, 216).desired, 216);
  assert.equal(decide(d, 1000, 216, 1296, 1296).desired, 1296);
  assert.equal(decide(d, 2000, 1296, 1296, 1296).desired, 1296);
});

test("rate limits: ceil on the way up (at least +1), floor on the way down, none when unreachable", () => {
  const up = new KpaDecider(spec(10, 61), 1);
  assert.equal(decide(up, 0, 1, 1000, 1001).desired, 10, "x10 from 1");
  assert.equal(decide(up, 0, 10, 1000, 1001).desired, 100, "x10 from 10");
  const down = new KpaDecider(spec(10, 61), 1);
  assert.equal(decide(down, 0, 100, 1, 1).desired, 10, "/10 from 100");
  assert.equal(decide(down, 0, 10, 1, 1).desired, 1, "/10 from 10");
  const smallUp = new KpaDecider(spec(1, 1982, { maxScaleUpRate: 1.1 }), 1);
  assert.equal(decide(smallUp, 0, 2, 3, 3.1).desired, 3, "ceil(1.1 x 2) = 3");
  const smallDown = new KpaDecider(spec(10, 1982, { maxScaleDownRate: 1.1 }), 1);
  assert.equal(decide(smallDown, 0, 100, 1, 1).desired, 90, "floor(100 / 1.1) = 90");
  const unreachable = new KpaDecider(spec(10, 1982, { maxScaleDownRate: 1.1, reachable: false }), 1);
  assert.equal(decide(unreachable, 0, 100, 1, 1).desired, 1);
  const halving = new KpaDecider(spec(10, 0, { maxScaleDownRate: 2 }), 1);
  assert.deepEqual([10, 5, 2, 1].map((r) => decide(halving, 0, r, 0, 0).desired), [5, 2, 1, 0]);
});

test("zero ready counts as one for the limits; the EBC uses the real count", () => {
  const d = new KpaDecider(spec(10, 81), 1);
  assert.deepEqual(decide(d, 0, 0, 1000, 888), { valid: true, desired: 10, excessBurstCapacity: ebc(10, 81, 888, 0), panicking: true });
});

test("activation scale raises a non-zero count only", () => {
  const d = new KpaDecider(spec(10, 75, { activationScale: 2 }), 1);
  assert.equal(decide(d, 0, 1, 0, 0).desired, 0);
  assert.equal(decide(d, 0, 1, 1, 0).desired, 2);
});

test("EBC: TBC 0 gives 0, -1 gives -1, > 0 gives floor(ready x total - TBC - panic)", () => {
  assert.equal(decide(new KpaDecider(spec(10, 0), 1), 0, 1, 50, 49).excessBurstCapacity, 0);
  const unlimited = decide(new KpaDecider(spec(181, -1), 1), 0, 1, 21, 26);
  assert.deepEqual([unlimited.desired, unlimited.excessBurstCapacity], [1, -1]);
  assert.equal(decide(new KpaDecider(spec(10, 100), 1), 0, 5, 50, 50).excessBurstCapacity, ebc(10, 100, 50, 5));
});

test("no data or no ready count: invalid, and the state does not move", () => {
  const d = new KpaDecider(spec(10, 100), 3);
  const before = d.state;
  assert.deepEqual(d.decide({ nowMs: 0, readyReplicas: 1 }), { valid: false, desired: 0, excessBurstCapacity: 0, panicking: true });
  assert.equal(d.decide({ nowMs: 0, stable: 5, panic: 5 }).valid, false);
  assert.equal(d.decide({ nowMs: 0, readyReplicas: 1, stable: 5 }).valid, false);
  assert.deepEqual(d.state, before);
});

test("scale-down delay: the max over the delay, 2 s buckets (Knative's 5 minute cases)", () => {
  const d = new KpaDecider(spec(10, 0, { panicThreshold: 100, scaleDownDelaySeconds: 300, reachable: true }), 0);
  const at = (sec: number, load: number) => decide(d, sec * 1000, 0, load, load).desired;
  assert.equal(at(2, 40), 4);
  assert.equal(at(300, 0), 4, "five minutes at reduced load: still 4");
  assert.equal(d.undelayedDesired, 0, "what the load alone asks for");
  assert.equal(at(302, 0), 0, "five minutes and 2 s: down");
  assert.equal(at(540, 40), 4);
  assert.equal(at(600, 30), 4, "4 still dominates");
  assert.equal(at(660, 0), 4);
  assert.equal(at(840, 0), 3, "4 scrolled out, 3 from 600 s remains");
  assert.equal(at(900, 0), 0, "everything scrolled out");
});

test("scale-down delay: none when 0, ignored once unreachable", () => {
  const none = new KpaDecider(spec(10, 0, { panicThreshold: 100 }), 0);
  assert.equal(decide(none, 0, 0, 40, 40).desired, 4);
  assert.equal(decide(none, 500, 0, 20, 20).desired, 2);
  const d = new KpaDecider(spec(10, 0, { panicThreshold: 100, scaleDownDelaySeconds: 300 }), 0);
  assert.equal(decide(d, 2000, 0, 40, 40).desired, 4);
  assert.equal(decide(d, 60_000, 0, 0, 0).desired, 4);
  d.update(spec(10, 0, { panicThreshold: 100, scaleDownDelaySeconds: 300, reachable: false }));
  assert.equal(decide(d, 62_000, 0, 0, 0).desired, 0);
});

test("start in panic with more than one ready replica, high-water = the ready count", () => {
  for (const ready of [0, 1]) {
    const d = new KpaDecider(spec(100, 11, { panicThreshold: 2.2 }), ready);
    assert.deepEqual(d.state, { panicking: false, panicSinceMs: null, highWater: ready });
  }
  const d = new KpaDecider(spec(100, 11, { panicThreshold: 2.2 }), 2, 5000);
  assert.deepEqual(d.state, { panicking: true, panicSinceMs: 5000, highWater: 2 });
  assert.deepEqual(decide(d, 6000, 2, 10, 10), { valid: true, desired: 2, excessBurstCapacity: Math.floor(2 * 133.33333333333334 - 11 - 10), panicking: true });
  assert.equal(decide(d, 65_000, 2, 10, 10).desired, 2, "no scale-down within a window of the start");
  assert.equal(decide(d, 65_001, 2, 10, 10).desired, 1, "then the stable count, at most /10");

  const lazy = new KpaDecider(spec(10, 0), 3);
  assert.equal(decide(lazy, 120_000, 3, 0, 0).desired, 3, "without a start time the first decision dates the panic");
  assert.equal(decide(lazy, 180_001, 3, 0, 0).panicking, false);
});

test("update keeps the panic state and the delay window, and applies the new target", () => {
  const d = new KpaDecider(spec(10, 77), 1);
  assert.equal(decide(d, 0, 1, 100, 101).desired, 10);
  d.update({ ...spec(1, 71), total: 1 / 0.75 });
  assert.deepEqual(decide(d, 0, 10, 100, 101), { valid: true, desired: 100, excessBurstCapacity: ebc(1, 71, 101, 10), panicking: true });
  d.update(spec(100, 71));
  const held = decide(d, 10_000, 100, 100, 100);
  assert.deepEqual([held.desired, held.panicking], [100, true], "a bigger target does not end the panic's high-water");

  const delayed = new KpaDecider(spec(10, 0, { panicThreshold: 100, scaleDownDelaySeconds: 60 }), 0);
  assert.equal(decide(delayed, 2000, 0, 40, 40).desired, 4);
  delayed.update(spec(10, 0, { panicThreshold: 100, scaleDownDelaySeconds: 120 }));
  assert.equal(decide(delayed, 100_000, 0, 0, 0).desired, 4, "the longer delay still holds the 4");
  delayed.update(spec(10, 0, { panicThreshold: 100 }));
  assert.equal(decide(delayed, 102_000, 0, 0, 0).desired, 0, "no delay any more");
});

test("a bad config is refused, naming the key", () => {
  assert.throws(() => new KpaDecider(spec(0, 0)), /target = 0/);
  assert.throws(() => new KpaDecider(spec(10, -2)), /targetBurstCapacity = -2/);
  assert.throws(() => new KpaDecider(spec(10, 0, { scaleDownDelaySeconds: -1 })), /scaleDownDelaySeconds/);
});
