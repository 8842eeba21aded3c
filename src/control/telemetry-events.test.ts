import { test } from "node:test";
import assert from "node:assert/strict";
import type { EbbEvent } from "../spec/types.js";
import { cumulativeOf, EventFigures } from "./telemetry-events.js";
import { resolveTelemetryConfig } from "./telemetry-ports.js";

let id = 0;
const event = (app: string, type: EbbEvent["type"], data: Record<string, unknown> = {}): EbbEvent => ({ id: ++id, app, type, time: "", revision: 1, message: "", data });

test("cold starts land in the bucket of their total time; +Inf past the last bound", () => {
  const f = new EventFigures([0.1, 1], 10);
  for (const totalMs of [50, 100, 101, 900, 5000]) f.observe(event("a", "ColdStart", { totalMs }));
  f.observe(event("a", "ColdStart", { totalMs: "n/a" }));
  const a = f.get("a")!;
  assert.deepEqual(a.coldStartBuckets, [2, 2, 1]);
  assert.deepEqual(cumulativeOf(a.coldStartBuckets, 2), [2, 4]);
  assert.equal(a.coldStartCount, 5);
  assert.equal(a.coldStartSumSec, 6.151);
  assert.equal(f.takeColdStarts("a"), 5);
  assert.equal(f.takeColdStarts("a"), 0);
  assert.equal(f.takeColdStarts("unknown"), 0);
});

test("scaling actions: up from ScaledUp, down from ScaledDown and ScaledToZero; other events are ignored", () => {
  const f = new EventFigures([1], 10);
  for (const type of ["ScaledUp", "ScaledUp", "ScaledDown", "ScaledToZero", "ReplicaReady", "Deployed"] as const) f.observe(event("a", type));
  assert.deepEqual([f.get("a")!.scaledUp, f.get("a")!.scaledDown], [2, 2]);
  f.observe(event("quiet", "ReplicaReady"));
  assert.equal(f.get("quiet"), undefined, "no figures for an app with nothing counted");
});

test("Deleted forgets the app; at most maxApps apps are tracked", () => {
  const f = new EventFigures([1], 2);
  f.observe(event("a", "ScaledUp"));
  f.observe(event("b", "ScaledUp"));
  f.observe(event("c", "ScaledUp"));
  assert.deepEqual([...f.entries()].map(([app]) => app), ["a", "b"]);
  f.observe(event("a", "Deleted"));
  f.observe(event("c", "ScaledUp"));
  assert.deepEqual([...f.entries()].map(([app]) => app), ["b", "c"]);
});

test("telemetry settings: defaults filled, bad values are CONFIG_INVALID naming the key", () => {
  const config = resolveTelemetryConfig({ trafficWindowSec: 30 });
  assert.equal(config.trafficWindowSec, 30);
  assert.equal(config.compactIntervalMs, 60_000);
  assert.ok(Object.isFrozen(config));
  assert.throws(() => resolveTelemetryConfig({ maxApps: 0 }), { code: "CONFIG_INVALID", message: /maxApps must be a positive integer, got 0/ });
  assert.throws(() => resolveTelemetryConfig({ trafficWindowSec: 1.5 }), { code: "CONFIG_INVALID" });
});
