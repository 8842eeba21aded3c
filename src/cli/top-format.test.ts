import { test } from "node:test";
import assert from "node:assert/strict";
import type { AppView, Overview } from "../api/client.js";
import { ansi, formatAgo, formatLatency, formatRps, topFrame, topRows, topSnapshot } from "./top-format.js";
import { testAppView } from "../spec/test-views.js";

const now = Date.parse("2025-03-01T14:02:07.000Z");

function view(name: string, over: { ready?: number; desired?: number; substate?: AppView["status"]["substate"]; cold?: { at: number; totalMs: number } } = {}): AppView {
  return testAppView(name, {
    substate: over.substate ?? null,
    replicas: { desired: over.desired ?? 0, ready: over.ready ?? 0, starting: 0, draining: 0 },
    lastColdStart: over.cold
      ? { time: new Date(over.cold.at).toISOString(), revision: 1, replica: `${name}-r1-1`, totalMs: over.cold.totalMs, phases: { spawnMs: 5, listeningMs: 80, readyMs: 80, firstByteMs: over.cold.totalMs }, waiting: 1 }
      : null,
  });
}

const overview: Overview = {
  time: now,
  apps: [view("web", { ready: 2, desired: 3, substate: "SCALING_UP", cold: { at: now - 190_000, totalMs: 412 } }), view("api", { substate: "SCALED_TO_ZERO" })],
  traffic: {
    web: { rps: 152.4, inflight: 7, p50Ms: 3.24, p99Ms: 1250 },
    api: { rps: 0, inflight: 0, p50Ms: null, p99Ms: null },
  },
};

test("cells: request rates, latencies and ages read at a glance", () => {
  assert.deepEqual([0, 0.25, 9.96, 10, 152.4].map(formatRps), ["0", "0.3", "10", "10", "152"]);
  assert.deepEqual([null, 0.8, 12.4, 999.6, 1250].map(formatLatency), ["-", "0.8 ms", "12 ms", "1000 ms", "1.25 s"]);
  assert.deepEqual([0, 59_400, 190_000, 3 * 3_600_000, 50 * 3_600_000].map(formatAgo), ["0s ago", "59s ago", "3m ago", "3h ago", "2d ago"]);
});

test("rows: the header, then apps by name with replicas, traffic and the last cold start", () => {
  assert.deepEqual(topRows(overview), [
    ["NAME", "STATUS", "SUBSTATE", "READY/DESIRED", "MIN-MAX", "RPS", "P50", "P99", "IN-FLIGHT", "LAST COLD START"],
    ["api", "ACTIVE", "SCALED_TO_ZERO", "0/0", "0-3", "0", "-", "-", "0", "-"],
    ["web", "ACTIVE", "SCALING_UP", "2/3", "0-3", "152", "3.2 ms", "1.25 s", "7", "412 ms, 3m ago"],
  ]);
});

test("a plain snapshot: heading with the app count and total rate, an aligned table, a blank line", () => {
  const lines = topSnapshot(overview).split("\n");
  assert.match(lines[0]!, /^ebb top {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000 {2}2 apps {2}152 req\/s$/);
  assert.match(lines[1]!, /^NAME {2}STATUS {2}SUBSTATE +READY\/DESIRED {2}MIN-MAX {2}RPS +P50 +P99 +IN-FLIGHT {2}LAST COLD START$/);
  assert.equal(lines[2]!.indexOf("SCALED_TO_ZERO"), lines[1]!.indexOf("SUBSTATE"));
  assert.deepEqual(lines.slice(4), ["", ""]);
  assert.equal(topSnapshot({ time: now, apps: [], traffic: {} }).split("\n")[1], "no apps deployed");
  assert.doesNotMatch(topSnapshot(overview), /\x1b/);
});

test("a terminal frame: cursor home, lines cut to the width and cleared to their end, the rest cleared", () => {
  const frame = topFrame(overview, 40);
  assert.ok(frame.startsWith(ansi.home));
  assert.ok(frame.endsWith(`\n${ansi.eraseBelow}`));
  const lines = frame.slice(ansi.home.length, -ansi.eraseBelow.length - 1).split("\n");
  assert.equal(lines.length, 4);
  for (const l of lines) {
    assert.ok(l.endsWith(ansi.eraseLineEnd));
    assert.ok(l.length - ansi.eraseLineEnd.length <= 40, l);
  }
  assert.match(topFrame(overview), /\(Ctrl-C to quit\)/);
});
