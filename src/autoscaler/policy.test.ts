import { test } from "node:test";
import assert from "node:assert/strict";
import type { ScalingSpec } from "../spec/types.js";
import { defaultAutoscalerConfig, resolveAutoscalerConfig } from "./config.js";
import { FakeScaleTarget } from "./fake.js";
import { ScalingPolicy } from "./policy.js";
import type { TrafficSample } from "./types.js";

function scaling(more: Partial<ScalingSpec> = {}): ScalingSpec {
  return { replicas: [0, 10], scaledownAfter: 300, metric: { concurrency: 10 }, ...more };
}

function sample(more: Partial<TrafficSample> = {}): TrafficSample {
  return { avgConcurrency: 0, arrivals: 0, intervalMs: 1000, inflight: 0, queued: 0, lastActiveAt: null, ...more };
}

function setup(spec: ScalingSpec, opts: { desired?: number; ready?: number } = {}) {
  const target = new FakeScaleTarget();
  target.setReady("app", opts.ready ?? 0);
  const policy = new ScalingPolicy("app", spec, defaultAutoscalerConfig, { nowMs: 0, desired: opts.desired });
  return { target, policy };
}

test("total = the metric value, target = total x 0.7; the decision carries its inputs (3 ready at start: panic)", () => {
  const { target, policy } = setup(scaling(), { desired: 3, ready: 3 });
  assert.equal(policy.target, 7);
  const d = policy.step(1000, sample({ avgConcurrency: 35, arrivals: 40, inflight: 35, lastActiveAt: 900 }), target);
  assert.deepEqual(d, {
    app: "app",
    at: 1000,
    previous: 3,
    desired: 5,
    rule: "panic",
    inputs: {
      metric: "concurrency",
      target: 7,
      stableLoad: 35,
      panicLoad: 35,
      stableWindowSec: 60,
      panicWindowSec: 6,
      panicking: true,
      readyReplicas: 3,
      idleSec: null,
      scaledownAfterSec: 300,
      min: 0,
      max: 10,
      kpaDesired: 5,
    },
  });
  assert.equal(policy.deciderCalls, 1);
});

test("stable: a rise under the panic threshold scales on the 60 s average", () => {
  const { target, policy } = setup(scaling(), { desired: 1, ready: 1 });
  assert.equal(policy.step(1000, sample({ avgConcurrency: 7, inflight: 7, lastActiveAt: 1000 }), target)?.rule, "stable");
  target.setReady("app", 3);
  policy.desired = 3;
  const seen: Array<[number, string]> = [];
  for (let t = 2000; t <= 30_000; t += 1000) {
    const d = policy.step(t, sample({ avgConcurrency: 35, inflight: 35, lastActiveAt: t }), target);
    if (d && d.desired !== policy.desired) {
      seen.push([d.desired, d.rule]);
      policy.desired = d.desired;
    }
  }
  assert.deepEqual(seen, [[4, "stable"], [5, "stable"]], "35 / 3 ready is under 200 %: no panic");
});

test("request rate: arrivals per second against total x 0.7, clamped to max", () => {
  const { target, policy } = setup(scaling({ metric: { requestRate: 10 }, replicas: [0, 12] }), { desired: 10, ready: 10 });
  policy.desired = 10;
  const d = policy.step(0, sample({ arrivals: 200, intervalMs: 2000, avgConcurrency: 0.5, lastActiveAt: 0 }), target);
  assert.equal(d?.inputs.metric, "requestRate");
  assert.equal(d?.inputs.stableLoad, 100, "200 arrivals in 2 s");
  assert.equal(d?.inputs.kpaDesired, 15, "ceil(100 / 7)");
  assert.deepEqual([d?.desired, d?.rule], [12, "max"]);
});

test("idle from registration without traffic: min at scaledownAfter, without running the decider", () => {
  const { target, policy } = setup(scaling({ scaledownAfter: 30 }), { desired: 1 });
  assert.equal(policy.step(29_999, sample(), target), null);
  const d = policy.step(30_000, sample(), target);
  assert.deepEqual([d?.previous, d?.desired, d?.rule, d?.inputs.idleSec, d?.inputs.kpaDesired], [1, 0, "idle", 30, null]);
  assert.equal(policy.deciderCalls, 0);
  assert.equal(policy.live, false);
  assert.equal(target.readyCalls, 1, "the ready count is read only to report the change");
});

test("idle overrides the windows' old load; min > 0 is kept", () => {
  const { target, policy } = setup(scaling({ scaledownAfter: 10, replicas: [2, 10] }), { desired: 2, ready: 2 });
  const busy = policy.step(1000, sample({ avgConcurrency: 30, arrivals: 30, inflight: 30, lastActiveAt: 1000 }), target);
  assert.equal(busy?.desired, 5);
  policy.desired = 5;
  target.setReady("app", 5);
  const quiet = sample({ avgConcurrency: 0, lastActiveAt: 1000 });
  assert.equal(policy.step(10_999, quiet, target)?.rule, "panic", "not idle yet: panic holds the count");
  const d = policy.step(11_000, quiet, target);
  assert.deepEqual([d?.desired, d?.rule], [2, "idle"]);
  assert.ok((d?.inputs.stableLoad ?? 0) > 0, "the stable window still holds load");
  assert.equal(policy.live, true, "above zero the decider keeps its state");
});

test("never zero while a request is in flight, even when the rate says zero", () => {
  const { target, policy } = setup(scaling({ metric: { requestRate: 10 }, scaledownAfter: 0 }), { desired: 1, ready: 1 });
  const d = policy.step(5000, sample({ inflight: 1, avgConcurrency: 1, lastActiveAt: 0 }), target);
  assert.equal(d?.inputs.kpaDesired, 0);
  assert.deepEqual([d?.desired, d?.rule], [1, "in-flight"]);
  const gone = policy.step(6000, sample({ lastActiveAt: 5500 }), target);
  assert.deepEqual([gone?.desired, gone?.rule], [0, "idle"], "scaledownAfter 0: down as soon as nothing is in flight");
  assert.equal(policy.live, false, "idle at zero drops the windows and the decider");
});

test("no arrival since the last tick is part of idle: scaledownAfter 0 does not drop a busy app", () => {
  const { target, policy } = setup(scaling({ scaledownAfter: 0 }), { desired: 1, ready: 1 });
  const d = policy.step(1000, sample({ arrivals: 50, avgConcurrency: 0.2, lastActiveAt: 999 }), target);
  assert.equal(d?.desired, 1);
});

test("wake: the waiting requests decide at once, at least 1, more for a crowd", () => {
  const one = setup(scaling());
  const d = one.policy.step(500, sample({ intervalMs: 500, arrivals: 1, inflight: 1, queued: 1, lastActiveAt: 400 }), one.target, true);
  assert.deepEqual([d?.previous, d?.desired, d?.rule], [0, 1, "wake"]);
  const crowd = setup(scaling());
  const c = crowd.policy.step(500, sample({ intervalMs: 500, arrivals: 30, inflight: 30, queued: 30, lastActiveAt: 400 }), crowd.target, true);
  assert.deepEqual([c?.desired, c?.rule], [5, "wake"], "ceil(30 / 7)");
  const rate = setup(scaling({ metric: { requestRate: 50 } }));
  const r = rate.policy.step(500, sample({ intervalMs: 500, arrivals: 1, inflight: 1, queued: 1, lastActiveAt: 400 }), rate.target, true);
  assert.deepEqual([r?.desired, r?.rule], [1, "wake"]);
});

test("clamped up to min, with the rule saying so", () => {
  const { target, policy } = setup(scaling({ replicas: [2, 4] }), { desired: 0 });
  const d = policy.step(1000, sample(), target);
  assert.deepEqual([d?.desired, d?.rule], [2, "min"]);
});

test("no change, no traffic, no history: no decision and nothing read", () => {
  const { target, policy } = setup(scaling(), { desired: 0 });
  for (let t = 0; t < 1000_000; t += 1000) assert.equal(policy.step(t, sample(), target), null);
  assert.equal(target.readyCalls, 0);
  assert.equal(policy.live, false);
});

test("update keeps the decider's state; a new metric kind starts afresh", () => {
  const { target, policy } = setup(scaling({ scaledownAfter: 60 }), { desired: 1, ready: 1 });
  assert.equal(policy.step(1000, sample({ avgConcurrency: 70, inflight: 70, lastActiveAt: 1000 }), target)?.rule, "panic");
  policy.update(scaling({ scaledownAfter: 60, replicas: [0, 20] }));
  const d = policy.step(2000, sample({ avgConcurrency: 7, inflight: 7, lastActiveAt: 2000 }), target);
  assert.deepEqual([d?.inputs.panicking, d?.inputs.max, d?.desired], [true, 20, 10]);
  policy.update(scaling({ scaledownAfter: 60, metric: { requestRate: 5 } }));
  assert.equal(policy.live, false);
  assert.equal(policy.target, 3.5);
  assert.throws(() => policy.update(scaling({ replicas: [3, 1] })), /not normalized/);
});

test("windows follow the server config", () => {
  const config = resolveAutoscalerConfig({ stableWindowSec: 120, panicWindowPct: 5, targetUtilization: 0.5 });
  const target = new FakeScaleTarget();
  const policy = new ScalingPolicy("app", scaling(), config, { nowMs: 0, desired: 1 });
  const d = policy.step(1000, sample({ avgConcurrency: 5, inflight: 5, lastActiveAt: 1000 }), target);
  assert.deepEqual([d?.inputs.stableWindowSec, d?.inputs.panicWindowSec, d?.inputs.target], [120, 6, 5]);
});

test("a changed spec restarts the idle time; the same spec does not", () => {
  const { target, policy } = setup(scaling({ scaledownAfter: 30 }), { desired: 1 });
  policy.update(scaling({ scaledownAfter: 30 }), 20_000);
  policy.update(scaling({ scaledownAfter: 30, replicas: [0, 5] }), 25_000);
  assert.equal(policy.step(54_999, sample({ lastActiveAt: 10_000 }), target), null, "idle counts from the new spec at 25 s");
  assert.equal(policy.step(55_000, sample({ lastActiveAt: 10_000 }), target)?.rule, "idle");
});

test("a second wake while a replica starts does not count the same requests twice", () => {
  const { target, policy } = setup(scaling());
  const waiting = sample({ intervalMs: 200, arrivals: 6, inflight: 6, queued: 6, lastActiveAt: 100 });
  const first = policy.step(200, waiting, target, true);
  assert.equal(first?.desired, 1);
  policy.desired = 1;
  const again = policy.step(400, { ...waiting, arrivals: 0 }, target, true);
  assert.deepEqual([again?.desired, again?.inputs.stableLoad], [1, 6]);
});
