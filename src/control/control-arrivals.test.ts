/**
 * The control plane's side of the live-traffic record: reading an app's arrivals (with what the
 * recorder still buffers) and a scaling patch that changes the metric target, as `ebb advise`
 * recommends.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeStats } from "../autoscaler/fake.js";
import { ManualClock } from "../kit/clock.js";
import { isEbbError } from "../kit/errors.js";
import { silentLogger } from "../kit/log.js";
import { createFakeRuntime } from "../runtime/fake.js";
import { createMemoryStore } from "../store/memory.js";
import { ArrivalRecorder } from "./arrival-recorder.js";
import { Control } from "./control.js";
import { controlDefaults } from "./ports.js";

const t0 = Date.parse("2026-01-01T00:00:00Z");

function setup() {
  const clock = new ManualClock(t0);
  const store = createMemoryStore();
  const control = new Control({ store, clock, log: silentLogger, config: { ...controlDefaults } });
  const runtime = createFakeRuntime(control.runtimeHooks, { clock });
  const routes = { upsertApp() {}, removeApp() {}, setAvailability() {}, addEndpoint() {}, removeEndpoint() {}, drainEndpoint: async () => {} };
  const upserts: unknown[] = [];
  control.attach({ runtime, routes, autoscaler: { upsert: (_app, scaling) => void upserts.push(scaling), remove() {}, poke() {} } });
  const stats = new FakeStats(clock);
  const recorder = new ArrivalRecorder({ source: stats, history: store, clock, log: silentLogger });
  control.attachArrivals(recorder);
  return { clock, store, control, stats, recorder, upserts };
}

const hello = { name: "hello", command: ["node", "server.mjs"], workdir: "/srv/hello", scaling: { replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 } } };

test("arrivals include what the recorder has not flushed yet, within [from, to)", async () => {
  const t = setup();
  await t.control.deploy([hello]);
  t.store.recordArrivals("hello", [[t0 / 1000 - 5, 2]]);
  t.stats.arrive("hello", 3);
  t.clock.advance(1000);
  t.recorder.collect("hello", t.clock.now());
  assert.equal(t.recorder.buffered, 1);
  assert.deepEqual(t.control.arrivals("hello", { fromSec: 0, toSec: t0 / 1000 + 10 }), [[t0 / 1000 - 5, 2], [t0 / 1000, 3]]);
  assert.equal(t.recorder.buffered, 0);
  assert.deepEqual(t.control.arrivals("hello", { fromSec: t0 / 1000, toSec: t0 / 1000 + 1 }), [[t0 / 1000, 3]]);
  assert.throws(() => t.control.arrivals("nope", { fromSec: 0, toSec: 1 }), (err: unknown) => isEbbError(err, "APP_NOT_FOUND"));
});

test("deleting an app deletes its arrivals, the buffered ones too", async () => {
  const t = setup();
  await t.control.deploy([hello]);
  t.stats.arrive("hello", 2);
  t.clock.advance(1000);
  t.recorder.collect("hello", t.clock.now());
  await t.control.delete("hello");
  assert.equal(t.recorder.buffered, 0);
  t.recorder.flush();
  assert.deepEqual(t.store.listArrivals("hello", 0, t0), []);
});

test("a scaling patch may change the metric target; it applies in place and reaches the autoscaler", async () => {
  const t = setup();
  await t.control.deploy([hello]);
  const r = await t.control.updateScaling("hello", { scaledownAfter: 600, metric: { concurrency: 20 } });
  assert.deepEqual([r.outcome, r.revision], ["reconfigured", 1]);
  const scaling = t.control.getApp("hello").spec.scaling;
  assert.deepEqual([scaling.scaledownAfter, scaling.metric, scaling.replicas], [600, { concurrency: 20 }, [0, 3]]);
  assert.deepEqual(t.upserts.at(-1), scaling);
  await assert.rejects(t.control.updateScaling("hello", { metric: { concurrency: 0 } }), (err: unknown) => isEbbError(err, "APP_SPEC_INVALID"));
});
