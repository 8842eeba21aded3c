import { test } from "node:test";
import assert from "node:assert/strict";
import type { AppView } from "../../api/client.js";
import { ago, appRows, boundsText, clockTime, millis, rate, replicaText, round, seconds, statusText, statusTone, targetText } from "./format.js";

test("latencies and rates read compactly, with '-' for unknown", () => {
  assert.equal(millis(0.42), "0.4 ms");
  assert.equal(millis(12.4), "12 ms");
  assert.equal(millis(1250), "1.25 s");
  assert.equal(millis(null), "-");
  assert.equal(rate(0), "0");
  assert.equal(rate(0.333), "0.3/s");
  assert.equal(rate(42.6), "43/s");
  assert.equal(rate(1234), "1.2k/s");
  assert.equal(rate(undefined), "-");
  assert.equal(round(0.1333, 2), 0.13);
});

test("ago counts from now in the largest sensible unit", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");
  assert.equal(ago(now - 2000, now), "just now");
  assert.equal(ago(new Date(now - 42_000).toISOString(), now), "42 s ago");
  assert.equal(ago(now - 5 * 60_000, now), "5 min ago");
  assert.equal(ago(now - 3 * 3600_000, now), "3 h ago");
  assert.equal(ago(now - 3 * 86400_000, now), "3 d ago");
  assert.equal(ago("not a time", now), "-");
});

test("clock times are local with optional milliseconds; settings durations pick a unit", () => {
  const t = new Date(2025, 2, 1, 14, 2, 7, 315).getTime();
  assert.equal(clockTime(t), "14:02:07");
  assert.equal(clockTime(t, true), "14:02:07.315");
  assert.equal(seconds(90), "90 s");
  assert.equal(seconds(300), "5 min");
  assert.equal(seconds(5400), "1.5 h");
});

function view(deploymentStatus: string, substate: string | null): AppView {
  return { status: { deploymentStatus, substate }, desiredState: "ACTIVE", spec: { scaling: { metric: { requestRate: 50 } } } } as unknown as AppView;
}

test("status tone and text follow the status model", () => {
  assert.equal(statusTone(view("ACTIVE", "RUNNING")), "ok");
  assert.equal(statusTone(view("ACTIVE", "SCALED_TO_ZERO")), "idle");
  assert.equal(statusTone(view("ACTIVE", "CRASH_LOOP")), "bad");
  assert.equal(statusTone(view("FAILED", null)), "bad");
  assert.equal(statusTone(view("DEPLOYING", "INITIALIZING")), "busy");
  assert.equal(statusTone(view("ACTIVE", "INSUFFICIENT_CAPACITY")), "warn");
  assert.equal(statusText(view("ACTIVE", "SCALED_TO_ZERO")), "Active · scaled to zero");
  assert.equal(statusText(view("STOPPED", null)), "Stopped");
  assert.equal(targetText(view("ACTIVE", null)), "50 req/s");
});

function row(name: string, replicas: { desired: number; ready: number; starting: number; draining: number }, bounds: [number, number] = [0, 3]): AppView {
  return { name, status: { replicas }, spec: { scaling: { replicas: bounds } } } as unknown as AppView;
}

test("rows are sorted by name and joined with their traffic, null where there is none", () => {
  const rows = appRows([row("web", { desired: 1, ready: 1, starting: 0, draining: 0 }), row("api", { desired: 0, ready: 0, starting: 0, draining: 0 })], {
    web: { rps: 3, inflight: 1, p50Ms: 5, p99Ms: 9 },
  });
  assert.deepEqual(rows.map((r) => r.name), ["api", "web"]);
  assert.equal(rows[0]!.traffic, null);
  assert.equal(rows[1]!.traffic?.rps, 3);
  assert.equal(appRows([row("a", { desired: 0, ready: 0, starting: 0, draining: 0 })], null)[0]!.traffic, null);
});

test("replica text shows ready over desired and any replicas starting or draining", () => {
  assert.equal(replicaText(row("a", { desired: 2, ready: 1, starting: 1, draining: 0 })), "1/2 (1 starting)");
  assert.equal(replicaText(row("a", { desired: 1, ready: 1, starting: 0, draining: 2 })), "1/1 (2 draining)");
  assert.equal(replicaText(row("a", { desired: 0, ready: 0, starting: 0, draining: 0 })), "0/0");
  assert.equal(boundsText(row("a", { desired: 0, ready: 0, starting: 0, draining: 0 }, [2, 5])), "2–5");
});
