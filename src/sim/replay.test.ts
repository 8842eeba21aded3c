import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import type { ScalingSpec } from "../spec/index.js";
import { fixed, parseDistribution } from "./random.js";
import { replay, Simulation, type ReplayOptions } from "./replay.js";
import { listSource, type ReplayRequest } from "./types.js";

const scaling = (s: Partial<ScalingSpec> = {}): ScalingSpec => ({ replicas: [0, 1], scaledownAfter: 10, metric: { concurrency: 100 }, ...s });
/** Percentiles come from a histogram of 1 %-wide buckets: within 0.5 % of a recorded value. */
const near = (actual: number, want: number): void => assert.ok(Math.abs(actual - want) <= want * 0.005, `${actual} is not within 0.5 % of ${want}`);
const at = (timeMs: number, serviceMs: number, app = "a"): ReplayRequest => ({ app, timeMs, serviceMs });

function run(reqs: ReplayRequest[], opts: Partial<ReplayOptions> & { endMs?: number } = {}) {
  const { endMs, ...rest } = opts;
  return replay(listSource(reqs, { startMs: 0, endMs, apps: ["a"] }), { scaling: scaling(), coldStart: fixed(2000), ...rest });
}

test("a request at zero starts a replica at once, waits the cold start, and the app is back at zero on the first tick at or after its end + scaledownAfter", () => {
  const r = run([at(500, 1000)], { endMs: 60_000 });
  // ready at 2,500 (the wake does not wait for a tick), done at 3,500, zero at the tick of 14,000
  assert.equal(r.coldStartWaits, 1);
  assert.equal(r.latency.p50, 3, "the only sample: clamped to the exact maximum");
  assert.equal(r.replicaSeconds, 13.5);
  assert.equal(r.startingReplicaSeconds, 2);
  assert.equal(r.busyReplicaSeconds, 1);
  assert.equal(r.idleReplicaSeconds, 10.5);
  assert.deepEqual(r.scalingActions, { up: 1, down: 1 });
  assert.equal(r.durationSeconds, 60);
});

test("arrivals while the replica starts are cold-start waits too; one at the ready instant is not", () => {
  const r = run([at(1000, 100), at(2000, 100), at(3000, 100)]);
  assert.equal(r.coldStartWaits, 2);
  assert.equal(r.replicaStarts, 1);
  assert.equal(r.coldStartRate, 2 / 3);
});

test("under a concurrencyLimit requests wait in order for a free slot; that is no cold start", () => {
  const r = run([at(100, 1000), at(100, 1000), at(100, 1000)], { scaling: scaling({ replicas: [1, 1], concurrencyLimit: 1 }) });
  assert.equal(r.coldStartWaits, 0);
  near(r.latency.p50, 2);
  assert.equal(r.latency.max, 3);
  assert.equal(r.served, 3);
});

test("a request still waiting at the request timeout is answered then, as a timeout", () => {
  const r = run([at(0, 100)], { coldStart: fixed(5000), requestTimeoutSec: 2 });
  assert.equal(r.timeouts, 1);
  assert.equal(r.served, 0);
  assert.equal(r.latency.max, 2);
});

test("a request whose wait and service pass the timeout is cut at the timeout", () => {
  const r = run([at(0, 1500), at(0, 1500)], { scaling: scaling({ replicas: [1, 1], concurrencyLimit: 1 }), requestTimeoutSec: 2 });
  assert.equal(r.timeouts, 1);
  assert.equal(r.latency.max, 2);
});

test("past wakeQueueLimit waiting requests, more are refused", () => {
  const r = run([at(0, 10), at(1, 10), at(2, 10)], { wakeQueueLimit: 2 });
  assert.equal(r.rejected, 1);
  assert.equal(r.served, 2);
  assert.equal(r.latency.max, 2.01);
});

test("min replicas are ready from the start and cost from it", () => {
  const r = run([at(4000, 1000)], { scaling: scaling({ replicas: [2, 2] }), endMs: 10_000 });
  assert.equal(r.coldStartWaits, 0);
  assert.equal(r.replicaStarts, 0);
  assert.equal(r.replicaSeconds, 20);
  assert.equal(r.idleReplicaSeconds, 19);
  assert.equal(r.peakReplicas, 2);
});

test("a burst scales out through the real autoscaler and the app returns to zero", () => {
  const burst = Array.from({ length: 20 }, () => at(1000, 30_000));
  const r = run(burst, { scaling: scaling({ replicas: [0, 10], metric: { concurrency: 1 } }), endMs: 200_000 });
  assert.equal(r.peakReplicas, 10);
  assert.equal(r.replicaStarts, 10);
  assert.equal(r.coldStartWaits, 20);
  assert.ok(r.scalingActions.down >= 1);
  assert.ok(r.replicaSeconds < 10 * 60, `all replicas went away: ${r.replicaSeconds}`);
});

test("with the requestRate metric, arrivals per second drive the count", () => {
  const reqs = Array.from({ length: 600 }, (_, i) => at(i * 100, 10));
  const r = run(reqs, { scaling: scaling({ replicas: [0, 5], metric: { requestRate: 2 } }) });
  assert.equal(r.peakReplicas, 5);
});

test("several apps each get their own policy and the per-app measures", () => {
  const reqs = [at(0, 100, "a"), at(500, 100, "b"), at(60_000, 100, "a")];
  const r = replay(listSource(reqs, { startMs: 0, apps: ["a", "b", "c"] }), { scaling: scaling({ scaledownAfter: 30 }), coldStart: fixed(1000) });
  assert.equal(r.apps, 3);
  assert.equal(r.coldStartWaits, 3);
  assert.deepEqual(r.perApp, { appsWithRequests: 2, coldStartPctMedian: 100, coldStartPctQ3: 100 });
});

test("the same seed gives the same report; another seed another one", () => {
  const reqs = Array.from({ length: 300 }, (_, i) => at(i * 997, 0));
  const opts: Partial<ReplayOptions> = {
    coldStart: parseDistribution("lognormal:3s,0.5", "x"),
    serviceTime: parseDistribution("exponential:400ms", "x"),
    scaling: scaling({ scaledownAfter: 2, replicas: [0, 3], metric: { concurrency: 1 } }),
  };
  assert.deepEqual(run(reqs, { ...opts, seed: 5 }), run(reqs, { ...opts, seed: 5 }));
  assert.notDeepEqual(run(reqs, { ...opts, seed: 5 }), run(reqs, { ...opts, seed: 6 }));
});

test("requests out of time order are SIM_TRACE_INVALID", () => {
  assert.throws(() => run([at(5000, 1), at(4000, 1)]), (err) => isEbbError(err, "SIM_TRACE_INVALID") && /previous arrival/.test(err.message));
});

test("end() is idempotent; offer() after it or after destroy() fails", async () => {
  const sim = new Simulation({ scaling: scaling() }, { name: "t", startMs: 0 });
  sim.offer(at(10, 10));
  const report = sim.end();
  assert.equal(sim.end(), report);
  await sim.close();
  assert.throws(() => sim.offer(at(20, 10)), (err) => isEbbError(err, "SIM_OPTIONS_INVALID"));
  const other = new Simulation({ scaling: scaling() }, { name: "t" });
  const boom = new Error("stop");
  other.destroy(boom);
  other.destroy();
  assert.throws(() => other.offer(at(0, 1)), boom);
});
