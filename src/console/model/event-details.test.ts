import { test } from "node:test";
import assert from "node:assert/strict";
import { coldStartSegments, phasesOf, readDecision } from "./event-details.js";

const inputs = {
  metric: "concurrency",
  target: 7,
  stableLoad: 9.5,
  panicLoad: 30.25,
  stableWindowSec: 60,
  panicWindowSec: 6,
  panicking: false,
  readyReplicas: 2,
  idleSec: null,
  scaledownAfterSec: 300,
  min: 0,
  max: 10,
  kpaDesired: 2,
};

const facts = (d: ReturnType<typeof readDecision>): Record<string, string> => Object.fromEntries((d?.facts ?? []).map((f) => [f.label, f.value]));

test("a stable-window decision shows the load, target, windows and the arithmetic", () => {
  const d = readDecision({ type: "ScaledUp", data: { from: 1, to: 2, rule: "stable", ...inputs } });
  assert.ok(d);
  assert.equal(d.ruleText, "Stable window: the average load asked for it");
  assert.equal(d.panicking, false);
  assert.deepEqual(facts(d), {
    "observed load": "9.5 in flight over 60 s",
    target: "7 in flight per replica",
    "load / target": "9.5 / 7 → 2 replica(s)",
    windows: "stable 60 s · panic 6 s",
    "panic mode": "no",
    "ready replicas": "2",
    bounds: "0–10",
    "KPA alone": "2",
  });
});

test("a panic decision uses the short window and says so", () => {
  const d = readDecision({ type: "ScaledUp", data: { from: 2, to: 5, rule: "panic", ...inputs, panicking: true, metric: "requestRate" } });
  assert.ok(d);
  assert.equal(d.panicking, true);
  assert.equal(facts(d)["observed load"], "30.25 req/s over 6 s");
  assert.equal(facts(d).windows, "stable 60 s · panic 6 s (panic in use)");
  assert.equal(facts(d)["panic mode"], "yes");
  assert.equal(facts(d)["load / target"], "30.25 / 7 → 5 replica(s)");
});

test("an idle scale to zero shows how long it was idle against scaledownAfter", () => {
  const d = readDecision({ type: "ScaledToZero", data: { from: 1, to: 0, rule: "idle", ...inputs, stableLoad: 0, idleSec: 301.26 } });
  assert.equal(d?.ruleText, "Idle for scaledownAfter");
  assert.equal(facts(d).idle, "301.3 s of 300 s");
  assert.equal(d?.to, 0);
});

test("missing inputs are left out, not shown as zero; other events have no decision", () => {
  const d = readDecision({ type: "ScaledUp", data: { rule: "wake" } });
  assert.ok(d);
  assert.equal(d.ruleText, "Wake: a request arrived at zero");
  assert.deepEqual(d.facts, []);
  assert.equal(readDecision({ type: "ColdStart", data: { rule: "wake" } }), null);
  assert.equal(readDecision({ type: "ScaledDown", data: { rule: "new-rule" } })?.ruleText, "Rule new-rule");
});

test("phases become consecutive segments whose shares add up to the whole bar", () => {
  const segs = coldStartSegments({ spawnMs: 10, listeningMs: 60, readyMs: 80, firstByteMs: 100 });
  assert.deepEqual(
    segs.map((s) => [s.phase, s.startMs, s.endMs, s.percent]),
    [
      ["spawn", 0, 10, 10],
      ["listening", 10, 60, 50],
      ["ready", 60, 80, 20],
      ["first byte", 80, 100, 20],
    ],
  );
});

test("a start without a first byte yet ends at ready; phases out of order never go backwards", () => {
  const segs = coldStartSegments({ spawnMs: 5, listeningMs: 3, readyMs: 20, firstByteMs: null });
  assert.deepEqual(segs.map((s) => s.phase), ["spawn", "listening", "ready"]);
  assert.equal(segs[1]!.endMs, 5);
  assert.equal(segs[1]!.percent, 0);
  assert.equal(segs.reduce((n, s) => n + s.percent, 0), 100);
});

test("phases are read from a ColdStart event's data, tolerating missing fields", () => {
  assert.deepEqual(phasesOf({ phases: { spawnMs: 4, listeningMs: 61, readyMs: 61, firstByteMs: 85 } }), { spawnMs: 4, listeningMs: 61, readyMs: 61, firstByteMs: 85 });
  assert.deepEqual(phasesOf({ phases: { spawnMs: 4, readyMs: 61 } }), { spawnMs: 4, listeningMs: 61, readyMs: 61, firstByteMs: null });
  assert.equal(phasesOf({}), null);
  assert.equal(phasesOf({ phases: "soon" }), null);
});
