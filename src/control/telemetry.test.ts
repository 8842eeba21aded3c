import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { silentLogger } from "../kit/log.js";
import { createMemoryStore } from "../store/memory.js";
import type { Overview, OverviewUpdate } from "./types.js";
import { FakeFleet, FakeGateway } from "./telemetry-fakes.js";
import type { ProcessFigures } from "./telemetry-ports.js";
import { Telemetry } from "./telemetry.js";

const t0 = 1_700_000_000_000;
const figures: ProcessFigures = {
  residentMemoryBytes: 50_000_000,
  cpuSeconds: 1.5,
  startTimeSeconds: 1_699_999_000,
  eventLoopLagSeconds: 0.002,
  eventLoopLagP99Seconds: 0.01,
  eventLoopLagMaxSeconds: 0.02,
};

function setup(opts: { process?: boolean } = {}) {
  const clock = new ManualClock(t0);
  const gateway = new FakeGateway();
  const fleet = new FakeFleet();
  const store = createMemoryStore();
  const telemetry = new Telemetry(
    { clock, log: silentLogger, history: store, gateway, fleet, ...(opts.process === false ? {} : { process: { read: () => figures } }) },
    { idleSeriesGraceMs: 60_000 },
  );
  telemetry.start();
  return { clock, gateway, fleet, store, telemetry };
}

/** The sample lines of an exposition (no comments), as "name{labels} value". */
const samples = (text: string): string[] => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

test("/metrics: requests by code, duration histogram, gauges and replicas of an awake app", () => {
  const { gateway, fleet, telemetry } = setup();
  fleet.set("web", { desired: 2, ready: 1, starting: 1 });
  gateway.record("web", 200, 7, 3);
  gateway.record("web", 502, 30);
  gateway.setInflight("web", 2, 1);
  gateway.unrouted = 4;
  const lines = samples(telemetry.metricsText());
  for (const line of [
    "ebb_apps 1",
    'ebb_requests_total{app="web",code="200"} 3',
    'ebb_requests_total{app="web",code="502"} 1',
    "ebb_requests_unrouted_total 4",
    'ebb_request_duration_seconds_bucket{app="web",le="0.01"} 3',
    'ebb_request_duration_seconds_bucket{app="web",le="0.05"} 4',
    'ebb_request_duration_seconds_bucket{app="web",le="+Inf"} 4',
    'ebb_request_duration_seconds_count{app="web"} 4',
    'ebb_request_duration_seconds_sum{app="web"} 0.051',
    'ebb_requests_in_flight{app="web"} 2',
    'ebb_wake_queue_depth{app="web"} 1',
    'ebb_replicas{app="web",state="desired"} 2',
    'ebb_replicas{app="web",state="ready"} 1',
    'ebb_replicas{app="web",state="starting"} 1',
    'ebb_replicas{app="web",state="draining"} 0',
    "process_resident_memory_bytes 50000000",
    "process_cpu_seconds_total 1.5",
    "process_start_time_seconds 1699999000",
    "nodejs_eventloop_lag_seconds 0.002",
  ]) {
    assert.ok(lines.includes(line), `missing: ${line}`);
  }
});

test("/metrics: cold starts as a histogram and scaling actions by direction, from events", () => {
  const { fleet, gateway, telemetry } = setup({ process: false });
  gateway.add("web");
  fleet.set("web", { desired: 1, ready: 1 });
  fleet.emit("web", "ScaledUp");
  fleet.emit("web", "ColdStart", { totalMs: 420 });
  fleet.emit("web", "ScaledToZero");
  fleet.emit("web", "ScaledDown");
  const text = telemetry.metricsText();
  const lines = samples(text);
  for (const line of [
    'ebb_cold_start_duration_seconds_bucket{app="web",le="0.25"} 0',
    'ebb_cold_start_duration_seconds_bucket{app="web",le="0.5"} 1',
    'ebb_cold_start_duration_seconds_count{app="web"} 1',
    'ebb_cold_start_duration_seconds_sum{app="web"} 0.42',
    'ebb_scaling_actions_total{app="web",direction="up"} 1',
    'ebb_scaling_actions_total{app="web",direction="down"} 2',
  ]) {
    assert.ok(lines.includes(line), `missing: ${line}`);
  }
  assert.doesNotMatch(text, /process_/, "no process figures without a process port");
  fleet.emit("web", "Deleted");
  assert.doesNotMatch(telemetry.metricsText(), /ebb_scaling_actions_total\{/);
});

test("/metrics with 10,000 apps idle at zero: each family declared once, no per-app lines", () => {
  const { gateway, fleet, telemetry } = setup({ process: false });
  for (let i = 0; i < 10_000; i++) {
    gateway.add(`app-${i}`);
    fleet.set(`app-${i}`, {});
  }
  gateway.record("app-42", 200, 3);
  const lines = samples(telemetry.metricsText());
  assert.ok(lines.includes("ebb_apps 10000"));
  assert.ok(lines.every((l) => !l.includes('app="') || l.includes('app="app-42"')), "only the app with requests has lines");
  assert.ok(lines.length < 30, `${lines.length} lines`);
});

test("an app that went to zero keeps its gauges for the grace period, then they end", () => {
  const { clock, gateway, fleet, telemetry } = setup({ process: false });
  gateway.add("web");
  fleet.set("web", { desired: 1, ready: 1 });
  clock.advance(2000);
  fleet.set("web", { desired: 0, ready: 0 });
  clock.advance(30_000);
  assert.ok(samples(telemetry.metricsText()).includes('ebb_replicas{app="web",state="ready"} 0'));
  clock.advance(60_000);
  assert.doesNotMatch(telemetry.metricsText(), /ebb_replicas\{/);
});

test("the overview: every app with its traffic; subscribers get an update per recorded second", () => {
  const { clock, gateway, fleet, telemetry } = setup();
  fleet.set("a", { desired: 1, ready: 1 });
  fleet.set("b", {});
  gateway.add("b");
  gateway.record("a", 200, 7, 10);
  const seen: OverviewUpdate[] = [];
  const wholes: Overview[] = [];
  const off = telemetry.subscribeOverview((u) => {
    seen.push(u);
    wholes.push(u.full());
  });
  clock.advance(2000);
  assert.equal(seen.length, 2);
  const last = wholes[1]!;
  assert.equal(last.time, t0 + 2000);
  assert.equal(seen[1]!.delta!.time, t0 + 2000);
  assert.deepEqual(last.apps.map((a) => a.name), ["a", "b"]);
  assert.deepEqual(last.traffic, {
    a: { rps: 5, inflight: 0, p50Ms: 7.5, p99Ms: 9.95 },
    b: { rps: 0, inflight: 0, p50Ms: null, p99Ms: null },
  });
  assert.deepEqual(telemetry.overview().traffic, last.traffic);
  assert.equal(telemetry.lastRequestAt("a"), t0 + 1000);
  assert.throws(() => seen[1]!.full(), /after its publication/, "a whole overview is only built during its publication");
  off();
  clock.advance(1000);
  assert.equal(seen.length, 2);
});

/** Names of the apps a delta carries: views, traffic entries, removals. */
const carried = (u: OverviewUpdate) => ({
  apps: u.delta!.apps.map((a) => a.name).sort(),
  traffic: Object.keys(u.delta!.traffic).sort(),
  removed: [...u.delta!.removed].sort(),
});

test("overview deltas: 10,000 idle apps and one busy one; each second carries only the busy one", () => {
  const { clock, gateway, fleet, telemetry } = setup({ process: false });
  for (let i = 0; i < 10_000; i++) {
    gateway.add(`idle-${i}`);
    fleet.set(`idle-${i}`, {});
  }
  fleet.set("busy", { desired: 1, ready: 1 });
  clock.advance(1000); // the first second reads every app; no one listens yet
  const updates: OverviewUpdate[] = [];
  const start = telemetry.overview();
  telemetry.subscribeOverview((u) => updates.push(u));
  assert.equal(start.apps.length, 10_001);
  const readsBefore = fleet.scaleReads;
  const summariesBefore = fleet.summaryReads;
  for (let s = 0; s < 3; s++) {
    gateway.record("busy", 200, 7, 5);
    clock.advance(1000);
  }
  assert.equal(fleet.summaryReads - summariesBefore, 3, "one view built per second: the busy app's");
  assert.equal(updates.length, 3);
  // The fake fleet's views do not follow requests (no lastRequestAt): after the first update,
  // which carries the touched apps whole, only the busy app's traffic moves.
  assert.deepEqual(carried(updates[0]!), { apps: ["busy"], traffic: ["busy"], removed: [] });
  for (const u of updates.slice(1)) assert.deepEqual(carried(u), { apps: [], traffic: ["busy"], removed: [] });
  assert.ok(fleet.scaleReads - readsBefore < 10, `${fleet.scaleReads - readsBefore} replica reads in 3 seconds: idle apps are not visited`);
});

test("overview deltas: an app touched but unchanged is left out; a newcomer gets every touched app", () => {
  const { clock, gateway, fleet, telemetry } = setup({ process: false });
  fleet.set("steady", { desired: 1, ready: 1 });
  fleet.set("busy", { desired: 1, ready: 1 });
  gateway.add("steady").add("busy");
  clock.advance(1000);
  const regular: OverviewUpdate[] = [];
  telemetry.subscribeOverview((u) => regular.push(u));
  clock.advance(1000);
  const newcomer: OverviewUpdate[] = [];
  telemetry.subscribeOverview((u) => newcomer.push(u));
  gateway.record("busy", 200, 7);
  clock.advance(1000);
  // "steady" is awake (sampled every second) but nothing of it moved.
  assert.deepEqual(carried(regular[1]!), { apps: [], traffic: ["busy"], removed: [] });
  assert.deepEqual(carried(newcomer[0]!), { apps: ["busy", "steady"], traffic: ["busy", "steady"], removed: [] });
  clock.advance(1000);
  // The busy app's rps moves as the window grows; its view does not.
  assert.deepEqual(carried(regular[2]!), { apps: [], traffic: ["busy"], removed: [] });
  assert.deepEqual(carried(newcomer[1]!), { apps: [], traffic: ["busy"], removed: [] });
});

test("overview deltas: an event marks its app; a Deleted event names it in `removed`", () => {
  const { clock, fleet, telemetry } = setup({ process: false });
  fleet.set("a", {});
  fleet.set("b", {});
  clock.advance(1000);
  const updates: OverviewUpdate[] = [];
  telemetry.subscribeOverview((u) => updates.push(u));
  clock.advance(1000);
  assert.deepEqual(carried(updates[0]!), { apps: [], traffic: [], removed: [] });
  // A view change without replicas: only its event tells (the control plane always emits one).
  fleet.set("a", { starting: 1 });
  fleet.emit("a", "ReplicaStarted");
  fleet.remove("b");
  fleet.emit("b", "Deleted");
  clock.advance(1000);
  // "a" was not touched at the previous second, so it has no stamp: it is sent whole.
  assert.deepEqual(carried(updates[1]!), { apps: ["a"], traffic: ["a"], removed: ["b"] });
  assert.equal(updates[1]!.delta!.apps[0]!.status.replicas.starting, 1);
  clock.advance(1000);
  assert.deepEqual(carried(updates[2]!), { apps: [], traffic: [], removed: [] });
});

test("overview deltas: a traffic window that ages out is reported as it drops to zero", () => {
  const { clock, gateway, fleet, telemetry } = setup({ process: false });
  fleet.set("web", {});
  gateway.add("web");
  clock.advance(1000);
  const updates: OverviewUpdate[] = [];
  telemetry.subscribeOverview((u) => updates.push(u));
  gateway.record("web", 200, 7, 10);
  clock.advance(1000);
  // Scaled to zero at once (scaledownAfter 0): no replicas, no events; only the window moves.
  for (let s = 0; s < 12; s++) clock.advance(1000);
  const rps = updates.map((u) => u.delta!.traffic.web?.rps);
  assert.ok(rps[0]! > 0);
  let last = rps.length - 1;
  while (last > 0 && rps[last] === undefined) last--;
  assert.equal(rps[last], 0, `the drop to zero is sent: ${JSON.stringify(rps)}`);
  assert.ok(rps.slice(last + 1).every((r) => r === undefined), "then nothing more");
  assert.ok(last < rps.length - 1);
});

test("a subscriber that throws is dropped; close ends recording, subscriptions and the event feed", async () => {
  const { clock, fleet, telemetry, store } = setup();
  fleet.set("a", { desired: 1, ready: 1 });
  let calls = 0;
  telemetry.subscribeOverview(() => {
    calls++;
    throw new Error("gone");
  });
  clock.advance(3000);
  assert.equal(calls, 1);
  assert.equal(telemetry.subscribers, 0);
  assert.equal(fleet.subscribers, 1);
  await telemetry.close();
  await telemetry.close();
  telemetry.destroy();
  assert.equal(fleet.subscribers, 0);
  const before = store.querySamples("a", 0, t0 * 2, 1000).length;
  clock.advance(5000);
  assert.equal(store.querySamples("a", 0, t0 * 2, 1000).length, before);
  assert.equal(clock.pending, 0);
});

test("overview subscribers are bounded", () => {
  const clock = new ManualClock(t0);
  const telemetry = new Telemetry({ clock, log: silentLogger, history: createMemoryStore(), gateway: new FakeGateway(), fleet: new FakeFleet() }, { maxSubscribers: 2 });
  telemetry.subscribeOverview(() => {});
  telemetry.subscribeOverview(() => {});
  assert.throws(() => telemetry.subscribeOverview(() => {}), { code: "API_TOO_MANY_STREAMS" });
});
