import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { silentLogger } from "../kit/log.js";
import { createMemoryStore } from "../store/memory.js";
import type { MetricSample } from "../store/types.js";
import { EventFigures } from "./telemetry-events.js";
import { FakeFleet, FakeGateway } from "./telemetry-fakes.js";
import { resolveTelemetryConfig, type TelemetryConfig } from "./telemetry-ports.js";
import { SampleRecorder } from "./telemetry-recorder.js";

const t0 = 1_700_000_000_000;

function setup(startAt = t0, options: Partial<TelemetryConfig> = {}) {
  const clock = new ManualClock(startAt);
  const store = createMemoryStore();
  const batches: MetricSample[][] = [];
  const compactions: number[] = [];
  const history = {
    recordSamples(samples: MetricSample[]) {
      batches.push(samples);
      store.recordSamples(samples);
    },
    compact(nowMs: number) {
      compactions.push(nowMs);
      return store.compact(nowMs);
    },
  };
  const gateway = new FakeGateway();
  const fleet = new FakeFleet();
  const config = resolveTelemetryConfig(options);
  const events = new EventFigures(config.coldStartBucketsSec, config.maxApps);
  let ticks = 0;
  const recorder = new SampleRecorder({ clock, log: silentLogger, history, gateway, fleet, events, config, afterTick: () => ticks++ });
  const samples = (app: string) => store.querySamples(app, 0, t0 * 2, 1000);
  return { clock, store, batches, compactions, gateway, fleet, events, recorder, samples, ticks: () => ticks };
}

test("one sample per second, stamped at the second's start: requests, 5xx, percentiles, counts", () => {
  const s = setup(t0 + 300);
  s.gateway.add("a");
  s.fleet.set("a", { desired: 1, ready: 1 });
  s.recorder.start();
  s.gateway.record("a", 200, 7, 8);
  s.gateway.record("a", 503, 20, 2);
  s.gateway.setInflight("a", 2);
  s.clock.advance(700);
  s.gateway.setInflight("a", 0);
  s.clock.advance(1000);
  // 8 in (5, 10] ms and 2 in (10, 25] ms: p50 = 5 + 5 x 5/8, p99 = 10 + 15 x 1.9/2.
  assert.deepEqual(s.samples("a"), [
    { app: "a", time: t0, desired: 1, ready: 1, inflight: 2, requests: 10, errors: 2, p50Ms: 8.125, p99Ms: 24.25, coldStarts: 0 },
    { app: "a", time: t0 + 1000, desired: 1, ready: 1, inflight: 0, requests: 0, errors: 0, p50Ms: null, p99Ms: null, coldStarts: 0 },
  ]);
  assert.equal(s.ticks(), 2);
  s.recorder.stop();
});

test("10,000 apps idle at zero: read once after start, then not visited at all; nothing written", () => {
  const s = setup();
  for (let i = 0; i < 10_000; i++) s.gateway.add(`app-${i}`);
  s.recorder.start();
  s.clock.advance(1000);
  assert.equal(s.gateway.appsRead, 20_000, "the start's baseline and the first second read every app");
  const [appsRead, scaleReads] = [s.gateway.appsRead, s.fleet.scaleReads];
  s.clock.advance(5000);
  assert.deepEqual([s.gateway.appsRead - appsRead, s.fleet.scaleReads - scaleReads], [0, 0]);
  assert.deepEqual(s.batches, []);
  assert.deepEqual(s.recorder.traffic("app-7"), { rps: 0, inflight: 0, p50Ms: null, p99Ms: null });

  s.gateway.record("app-7", 200, 3);
  s.clock.advance(1000);
  assert.deepEqual([s.gateway.appsRead - appsRead, s.batches.length], [1, 1], "one app with a request: one app read, one sample");
  s.clock.advance(3000);
  assert.equal(s.fleet.scaleReads - scaleReads, 2, "read while awake, and once more to see it go quiet");
  assert.deepEqual(s.samples("app-7").map((m) => m.requests), [1, 0]);
  s.recorder.stop();
});

test("an app with an event is sampled though the gateway saw nothing: replicas without requests show", () => {
  const s = setup();
  s.gateway.add("a");
  s.recorder.start();
  s.clock.advance(2000);
  s.fleet.set("a", { desired: 1, ready: 0 });
  s.recorder.observe({ id: 1, app: "a", type: "ScaledUp", time: "", revision: 1, message: "", data: {} });
  s.clock.advance(1000);
  s.fleet.set("a", { desired: 1, ready: 1 });
  s.clock.advance(1000);
  assert.deepEqual(s.samples("a").map((m) => [m.time - t0, m.desired, m.ready]), [[2000, 1, 0], [3000, 1, 1]]);
});

test("past maxApps apps with events in one second, the next second reads every app", () => {
  const s = setup(t0, { maxApps: 2 });
  for (const app of ["a", "b", "c"]) s.gateway.add(app);
  s.recorder.start();
  s.clock.advance(1000);
  const before = s.gateway.appsRead;
  for (const app of ["a", "b", "c"]) s.recorder.observe({ id: 1, app, type: "ScaledUp", time: "", revision: 1, message: "", data: {} });
  s.fleet.set("c", { desired: 1 });
  s.clock.advance(1000);
  assert.equal(s.gateway.appsRead - before, 3);
  assert.deepEqual(s.samples("c").map((m) => m.desired), [1]);
});

test("an app going idle writes one all-zero sample, then nothing", () => {
  const s = setup();
  s.fleet.set("a", { desired: 1, ready: 1 });
  s.gateway.add("a");
  s.recorder.start();
  s.clock.advance(2000);
  s.fleet.set("a", { desired: 0, ready: 0 });
  s.clock.advance(5000);
  const rows = s.samples("a").map((m) => [m.time - t0, m.desired, m.ready]);
  assert.deepEqual(rows, [
    [0, 1, 1],
    [1000, 1, 1],
    [2000, 0, 0],
  ]);
  assert.equal(s.batches.length, 3);
});

test("cold starts count in the second they were reported", () => {
  const s = setup();
  s.gateway.add("a");
  s.recorder.start();
  s.clock.advance(400);
  s.events.observe({ id: 1, app: "a", type: "ColdStart", time: "", revision: 1, message: "", data: { totalMs: 420 } });
  s.fleet.set("a", { desired: 1, ready: 1 });
  s.clock.advance(1600);
  assert.deepEqual(s.samples("a").map((m) => m.coldStarts), [1, 0]);
});

test("requests before start are a baseline; a gateway counter that restarts counts from zero", () => {
  const s = setup();
  s.gateway.record("a", 200, 1, 5);
  s.recorder.start();
  s.gateway.record("a", 200, 1, 2);
  s.clock.advance(1000);
  s.gateway.remove("a");
  s.gateway.record("a", 200, 1, 3);
  s.clock.advance(1000);
  assert.deepEqual(s.samples("a").map((m) => m.requests), [2, 3]);
});

test("traffic: rps over the seconds recorded, up to the window; percentiles of the window", () => {
  const s = setup();
  s.gateway.add("a");
  s.recorder.start();
  s.gateway.record("a", 200, 7, 20);
  s.gateway.setInflight("a", 3);
  s.clock.advance(4000);
  // 20 requests in the first of 4 seconds recorded.
  assert.deepEqual(s.recorder.traffic("a"), { rps: 5, inflight: 3, p50Ms: 7.5, p99Ms: 9.95 });
  s.gateway.setInflight("a", 0);
  s.clock.advance(8000);
  assert.deepEqual(s.recorder.traffic("a"), { rps: 0, inflight: 0, p50Ms: null, p99Ms: null });
});

test("the last request's time is the end of the second it finished in", () => {
  const s = setup();
  s.gateway.add("a");
  s.recorder.start();
  assert.equal(s.recorder.lastRequestAt("a"), null);
  s.clock.advance(2500);
  s.gateway.record("a", 200, 3);
  s.clock.advance(1000);
  assert.equal(s.recorder.lastRequestAt("a"), t0 + 3000);
  assert.equal(s.recorder.lastAwakeAt("a"), t0 + 2000);
  s.clock.advance(5000);
  assert.equal(s.recorder.lastRequestAt("a"), t0 + 3000);
});

test("the history is compacted once a minute; stop ends recording and compaction", () => {
  const s = setup();
  s.fleet.set("a", { desired: 1, ready: 1 });
  s.gateway.add("a");
  s.recorder.start();
  s.clock.advance(180_000);
  assert.deepEqual(s.compactions, [t0 + 60_000, t0 + 120_000, t0 + 180_000]);
  s.recorder.stop();
  s.recorder.stop();
  const written = s.batches.length;
  s.clock.advance(120_000);
  assert.equal(s.batches.length, written);
  assert.equal(s.compactions.length, 3);
  assert.equal(s.clock.pending, 0);
});

test("deleted apps are forgotten, by their Deleted event or by missing from a full read", () => {
  const s = setup(t0, { maxApps: 2 });
  s.gateway.record("a", 200, 1, 4);
  s.gateway.setInflight("a", 1);
  s.recorder.start();
  s.gateway.record("a", 200, 1, 4);
  s.clock.advance(1000);
  assert.equal(s.recorder.traffic("a").inflight, 1);
  s.gateway.remove("a");
  s.recorder.observe({ id: 1, app: "a", type: "Deleted", time: "", revision: 1, message: "", data: {} });
  s.clock.advance(1000);
  assert.deepEqual(s.recorder.traffic("a"), { rps: 0, inflight: 0, p50Ms: null, p99Ms: null });
  assert.equal(s.recorder.lastRequestAt("a"), null);

  s.gateway.record("b", 200, 1);
  s.clock.advance(1000);
  assert.notEqual(s.recorder.lastRequestAt("b"), null);
  s.gateway.remove("b");
  s.clock.advance(1000);
  assert.notEqual(s.recorder.lastRequestAt("b"), null, "not read since: still known");
  for (const app of ["x", "y", "z"]) s.recorder.observe({ id: 2, app, type: "ScaledUp", time: "", revision: 1, message: "", data: {} });
  s.clock.advance(1000);
  assert.equal(s.recorder.lastRequestAt("b"), null, "missing from the full read that followed");
});
