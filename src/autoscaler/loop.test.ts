import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { isEbbError } from "../kit/errors.js";
import type { ScalingSpec } from "../spec/types.js";
import type { AutoscalerConfig } from "./config.js";
import { FakeScaleTarget, FakeStats } from "./fake.js";
import { Autoscaler, appLimitCode } from "./loop.js";

function scaling(more: Partial<ScalingSpec> = {}): ScalingSpec {
  return { replicas: [0, 10], scaledownAfter: 30, metric: { concurrency: 10 }, ...more };
}

function setup(config: Partial<AutoscalerConfig> = {}, opts: { follow?: boolean; maxApps?: number } = {}) {
  const clock = new ManualClock(0);
  const stats = new FakeStats(clock);
  const target = new FakeScaleTarget({ follow: opts.follow ?? true });
  const scaler = new Autoscaler({ clock, stats, target, config, ...(opts.maxApps && { maxApps: opts.maxApps }) });
  return { clock, stats, target, scaler };
}

/** Advances one tick at a time until cond holds, at most maxMs; returns the time it held. */
function until(clock: ManualClock, cond: () => boolean, maxMs: number): number {
  const end = clock.now() + maxMs;
  while (!cond()) {
    assert.ok(clock.now() < end, `condition not met within ${maxMs} ms`);
    clock.advance(1000);
  }
  return clock.now();
}

test("wake gives 1 at once, before any tick, and tells the target even at the same count", () => {
  const { clock, stats, target, scaler } = setup();
  scaler.upsert("hello", scaling());
  scaler.start();
  clock.advance(400);
  stats.arrive("hello", 1, { queued: true });
  const d = scaler.poke("hello");
  assert.deepEqual([d?.previous, d?.desired, d?.rule, d?.at], [0, 1, "wake", 400]);
  assert.equal(target.decisions.length, 1);
  assert.equal(scaler.desired("hello"), 1);
  scaler.poke("hello");
  assert.equal(target.decisions.length, 2);
  assert.equal(scaler.poke("nobody"), undefined);

  scaler.upsert("gone", scaling());
  stats.arrive("gone");
  stats.finish("gone");
  assert.equal(scaler.poke("gone")?.desired, 0, "the request left before the decision");
  assert.equal(target.decisionsFor("gone").length, 0, "0 -> 0 is not sent");
});

test("to zero exactly scaledownAfter after the last request finished, on that tick", () => {
  const { clock, stats, target, scaler } = setup();
  scaler.upsert("hello", scaling({ scaledownAfter: 30 }));
  scaler.start();
  clock.advance(500);
  stats.arrive("hello", 1, { queued: true });
  scaler.poke("hello");
  clock.advance(200);
  stats.dispatch("hello");
  clock.advance(9800);
  stats.finish("hello");
  assert.equal(clock.now(), 10_500);
  clock.advanceTo(40_000);
  assert.equal(scaler.desired("hello"), 1, "29.5 s idle: still up");
  clock.advanceTo(41_000);
  assert.equal(scaler.desired("hello"), 0);
  const last = target.decisions.at(-1)!;
  assert.deepEqual([last.at, last.rule, last.previous, last.inputs.idleSec], [41_000, "idle", 1, 30.5]);
  assert.equal(scaler.liveApps, 0, "idle at zero frees the windows");
});

test("scale up on load: panic from 1 replica, then stable steps once calm", () => {
  const { clock, stats, target, scaler } = setup();
  scaler.upsert("api", scaling({ scaledownAfter: 300 }));
  scaler.start();
  stats.arrive("api", 21, { queued: true });
  scaler.poke("api");
  assert.equal(scaler.desired("api"), 3, "ceil(21 / 7) at once");
  until(clock, () => scaler.explain("api")?.inputs.panicking === false, 70_000);
  assert.equal(scaler.desired("api"), 3);
  const before = target.decisions.length;
  stats.arrive("api", 14);
  until(clock, () => scaler.desired("api") === 5, 60_000);
  const ups = target.decisions.slice(before).map((d) => [d.previous, d.desired, d.rule]);
  assert.deepEqual(ups, [[3, 4, "stable"], [4, 5, "stable"]]);
});

test("panic: a burst scales on the short window and never down while panicking", () => {
  const { clock, stats, target, scaler } = setup();
  scaler.upsert("api", scaling({ scaledownAfter: 300 }), { currentDesired: 1 });
  target.setReady("api", 1);
  scaler.start();
  stats.arrive("api", 7);
  clock.advance(70_000);
  assert.equal(scaler.desired("api"), 1);
  stats.arrive("api", 63);
  clock.advance(1000);
  const first = target.decisions.at(-1)!;
  assert.equal(first.rule, "panic");
  assert.equal(first.inputs.panicking, true);
  assert.ok(first.desired >= 2);
  until(clock, () => scaler.desired("api") === 10, 10_000);
  stats.finish("api", 63);
  const whilePanicking: number[] = [];
  for (let i = 0; i < 120 && scaler.explain("api")?.inputs.panicking; i++) {
    clock.advance(1000);
    if (scaler.explain("api")?.inputs.panicking) whilePanicking.push(scaler.desired("api")!);
  }
  assert.equal(scaler.explain("api")?.inputs.panicking, false, "panic ends within two minutes");
  assert.ok(whilePanicking.length >= 50, `panicked ${whilePanicking.length} s after the load fell`);
  assert.ok(whilePanicking.every((n) => n === 10), "no scale-down while panicking");
});

test("scale down only after the lower count held for scaledownAfter, never to zero with work in flight", () => {
  const { clock, stats, target, scaler } = setup({ panicThresholdPct: 1000 });
  scaler.upsert("api", scaling({ scaledownAfter: 30 }), { currentDesired: 1 });
  target.setReady("api", 1);
  scaler.start();
  stats.arrive("api", 35);
  clock.advance(61_000);
  assert.equal(scaler.desired("api"), 5);
  stats.finish("api", 28);
  const dropAt = clock.now();
  const firstDown = until(clock, () => scaler.desired("api")! < 5, 120_000);
  // The stable count falls to 4 after 15 s at the lower load (60 s average: 5 - k / 15); 4 then
  // has to hold for scaledownAfter, to within one 2 s bucket of the delay window.
  const after = firstDown - dropAt;
  assert.ok(after >= 15_000 + 30_000 - 2000 && after <= 15_000 + 30_000, `first step down ${after} ms after the drop`);
  const step = target.decisions.at(-1)!;
  assert.deepEqual([step.previous, step.desired, step.rule], [5, 4, "scale-down-delay"]);
  until(clock, () => scaler.desired("api") === 1, 120_000);
  clock.advance(600_000);
  assert.equal(scaler.desired("api"), 1, "7 requests stay in flight: one replica, not zero");
});

test("min > 0 is never crossed, and max caps a burst", () => {
  const { clock, stats, target, scaler } = setup();
  scaler.upsert("floor", scaling({ replicas: [2, 4], scaledownAfter: 5 }), { currentDesired: 0 });
  scaler.upsert("cap", scaling({ replicas: [0, 3] }));
  scaler.start();
  clock.advance(1000);
  assert.deepEqual(target.decisionsFor("floor").map((d) => [d.desired, d.rule]), [[2, "min"]]);
  stats.arrive("floor", 70);
  stats.arrive("cap", 70, { queued: true });
  scaler.poke("cap");
  clock.advance(10_000);
  assert.equal(scaler.desired("floor"), 4);
  assert.equal(scaler.desired("cap"), 3);
  const cap = target.decisionsFor("cap").map((d) => [d.previous, d.desired, d.rule, d.inputs.kpaDesired]);
  assert.deepEqual(cap, [[0, 3, "wake", 10]], "woken straight to max, not to the 10 the load asks for");
  assert.equal(scaler.explain("cap")?.rule, "max");
  stats.finish("floor", 70);
  clock.advance(600_000);
  assert.equal(scaler.desired("floor"), 2);
  const floor = target.decisionsFor("floor").map((d) => [d.desired, d.rule]);
  assert.deepEqual(floor, [[2, "min"], [4, "max"], [2, "idle"]], "idle goes to min, not below");
});

test("request-rate metric: arrivals per second against total x 0.7", () => {
  const { clock, stats, scaler } = setup();
  scaler.upsert("rps", scaling({ metric: { requestRate: 10 }, replicas: [0, 20] }), { currentDesired: 1 });
  scaler.start();
  for (let i = 0; i < 10; i++) {
    stats.arrive("rps", 50);
    stats.finish("rps", 50);
    clock.advance(1000);
  }
  const d = scaler.explain("rps")!;
  assert.deepEqual([d.inputs.metric, d.inputs.target, d.inputs.stableLoad], ["requestRate", 7, 50]);
  assert.equal(scaler.desired("rps"), 8, "ceil(50 / 7)");
});

test("10,000 idle apps at zero: one collect on the first tick, then none; no decider, no ready read, no windows", () => {
  const { clock, stats, target, scaler } = setup();
  for (let i = 0; i < 10_000; i++) scaler.upsert(`app-${i}`, scaling());
  scaler.start();
  clock.advance(1000);
  assert.equal(stats.collectCalls, 10_000, "a newly registered app is looked at once");
  assert.equal(scaler.awakeApps, 0, "then it is dormant");
  clock.advance(4000);
  assert.equal(stats.collectCalls, 10_000, "dormant apps are not visited");
  assert.deepEqual(scaler.lastTick, { at: 5000, apps: 10_000, decided: 0, skipped: 10_000, dormant: 10_000, changed: 0, errors: 0 });
  assert.equal(target.readyCalls, 0);
  assert.equal(target.decisions.length, 0);
  assert.equal(scaler.liveApps, 0);

  stats.arrive("app-42", 1, { queued: true });
  scaler.poke("app-42");
  clock.advance(1000);
  assert.deepEqual([scaler.lastTick.decided, scaler.lastTick.skipped, scaler.lastTick.dormant, scaler.liveApps], [1, 9_999, 9_999, 1]);
  assert.equal(stats.collectCalls, 10_002, "the poke and the tick read app-42 only");
  stats.finish("app-42");
  clock.advance(31_000);
  assert.equal(scaler.desired("app-42"), 0);
  assert.deepEqual([scaler.lastTick.decided, scaler.liveApps], [0, 0], "back to free once idle at zero");
  clock.advance(120_000);
  assert.deepEqual([scaler.awakeApps, scaler.lastTick.dormant], [0, 10_000], "and dormant again once its windows are gone");
});

test("an app stays awake while it has replicas, a min above zero, or windows; an upsert wakes it", () => {
  const { clock, stats, scaler } = setup();
  scaler.upsert("floor", scaling({ replicas: [1, 3] }));
  scaler.upsert("up", scaling(), { currentDesired: 2 });
  scaler.upsert("idle", scaling());
  scaler.start();
  clock.advance(1000);
  assert.equal(scaler.awakeApps, 2, "floor (min 1) and up (2 replicas)");
  const before = stats.collectCalls;
  clock.advance(2000);
  assert.equal(stats.collectCalls - before, 4, "two awake apps, two ticks");
  scaler.upsert("idle", scaling({ replicas: [0, 2] }));
  assert.equal(scaler.awakeApps, 3);
  clock.advance(1000);
  assert.equal(scaler.awakeApps, 2, "a changed spec is looked at once, then it sleeps again");
  assert.equal(scaler.remove("up"), true);
  assert.equal(scaler.awakeApps, 1);
});

test("start ticks every tickMs on the clock; close and destroy stop it and are idempotent", async () => {
  const { clock, stats, scaler } = setup({ tickMs: 500 });
  scaler.upsert("a", scaling(), { currentDesired: 1 });
  scaler.start();
  scaler.start();
  clock.advance(2000);
  assert.equal(stats.collectCalls, 4);
  const closing = scaler.close();
  assert.equal(scaler.close(), closing);
  await closing;
  scaler.destroy(new Error("late"));
  clock.advance(5000);
  scaler.tick();
  assert.equal(stats.collectCalls, 4);
  assert.equal(clock.pending, 0, "the interval timer is cancelled");
  stats.arrive("a", 1, { queued: true });
  assert.equal(scaler.poke("a"), undefined, "a closed autoscaler decides nothing");
});

test("a failing target or stats source is retried next tick and does not stop other apps", () => {
  const { clock, stats, target, scaler } = setup();
  scaler.upsert("a", scaling(), { currentDesired: 1 });
  scaler.upsert("b", scaling(), { currentDesired: 1 });
  scaler.start();
  stats.arrive("a", 70);
  stats.arrive("b", 70);
  target.failNext = new Error("runtime busy");
  clock.advance(1000);
  assert.equal(scaler.lastTick.errors, 1);
  assert.deepEqual([scaler.desired("a"), scaler.desired("b")], [1, 10], "a's change failed and was not taken");
  clock.advance(1000);
  assert.equal(scaler.desired("a"), 10, "retried on the next tick");

  const broken = new Autoscaler({
    clock,
    target,
    stats: {
      collect(app, now) {
        if (app === "x") throw new Error("no stats");
        return stats.collect(app, now);
      },
    },
  });
  broken.upsert("x", scaling());
  broken.upsert("b", scaling(), { currentDesired: 10 });
  broken.tick();
  assert.deepEqual([broken.lastTick.errors, broken.lastTick.decided], [1, 1]);
});

test("upsert updates in place keeping the decider's state; past maxApps it fails with a code", () => {
  const { clock, stats, scaler } = setup({}, { maxApps: 2 });
  scaler.upsert("a", scaling({ scaledownAfter: 300 }), { currentDesired: 1 });
  scaler.start();
  stats.arrive("a", 70);
  clock.advance(1000);
  assert.equal(scaler.explain("a")?.inputs.panicking, true);
  scaler.upsert("a", scaling({ scaledownAfter: 300, replicas: [0, 4] }));
  clock.advance(1000);
  assert.deepEqual([scaler.explain("a")?.inputs.panicking, scaler.desired("a"), scaler.explain("a")?.rule], [true, 4, "max"]);
  scaler.upsert("a", scaling(), { currentDesired: 2 });
  assert.equal(scaler.desired("a"), 2);
  scaler.upsert("b", scaling());
  assert.throws(() => scaler.upsert("c", scaling()), (err) => isEbbError(err, appLimitCode) && /at most 2 apps/.test(err.message));
  assert.equal(scaler.remove("b"), true);
  assert.equal(scaler.remove("b"), false);
  scaler.upsert("c", scaling());
  assert.equal(scaler.size, 2);
  assert.throws(() => new Autoscaler({ clock, stats, target: new FakeScaleTarget(), config: { tickMs: 0 } }), /tickMs = 0/);
});
