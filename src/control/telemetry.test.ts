import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { silentLogger } from "../kit/log.js";
import { createMemoryStore } from "../store/memory.js";
import type { Overview } from "./types.js";
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

test("the overview: every app with its traffic; subscribers get one per recorded second", () => {
  const { clock, gateway, fleet, telemetry } = setup();
  fleet.set("a", { desired: 1, ready: 1 });
  fleet.set("b", {});
  gateway.add("b");
  gateway.record("a", 200, 7, 10);
  const seen: Overview[] = [];
  const off = telemetry.subscribeOverview((o) => seen.push(o));
  clock.advance(2000);
  assert.equal(seen.length, 2);
  const last = seen[1]!;
  assert.equal(last.time, t0 + 2000);
  assert.deepEqual(last.apps.map((a) => a.name), ["a", "b"]);
  assert.deepEqual(last.traffic, {
    a: { rps: 5, inflight: 0, p50Ms: 7.5, p99Ms: 9.95 },
    b: { rps: 0, inflight: 0, p50Ms: null, p99Ms: null },
  });
  assert.deepEqual(telemetry.overview().traffic, last.traffic);
  assert.equal(telemetry.lastRequestAt("a"), t0 + 1000);
  off();
  clock.advance(1000);
  assert.equal(seen.length, 2);
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
