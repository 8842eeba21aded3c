import { test } from "node:test";
import assert from "node:assert/strict";
import type { AppTraffic, Overview, OverviewDelta } from "../control/types.js";
import type { AppSummary } from "../spec/types.js";
import { testAppSummary } from "../spec/test-views.js";
import { applyOverviewDelta, deltaSize, mergeOverviewDeltas } from "./overview-delta.js";

/** A summary whose only varying part is its message, enough to tell versions apart. */
function app(name: string, message = "ok"): AppSummary {
  return testAppSummary(name, { message });
}

const idle: AppTraffic = { rps: 0, inflight: 0, p50Ms: null, p99Ms: null };
const busy = (rps: number): AppTraffic => ({ rps, inflight: 1, p50Ms: 4, p99Ms: 9 });

const base: Overview = {
  time: 1000,
  apps: [app("a"), app("b"), app("c")],
  traffic: { a: idle, b: idle, c: idle },
};

const delta = (d: Partial<OverviewDelta> & { time: number }): OverviewDelta => ({ apps: [], traffic: {}, removed: [], ...d });

/** Names with their messages and rps: what tells two overviews apart in these tests. */
const shape = (o: Overview) => ({
  time: o.time,
  apps: o.apps.map((a) => `${a.name}:${a.status.message}`),
  traffic: Object.fromEntries(Object.entries(o.traffic).map(([k, t]) => [k, t.rps])),
});

test("apply: a changed view replaces the old one in place, changed traffic too, the rest stays", () => {
  const out = applyOverviewDelta(base, delta({ time: 2000, apps: [app("b", "scaling up")], traffic: { c: busy(3) } }));
  assert.deepEqual(shape(out), { time: 2000, apps: ["a:ok", "b:scaling up", "c:ok"], traffic: { a: 0, b: 0, c: 3 } });
  assert.equal(out.apps[0], base.apps[0], "unchanged views are the same objects");
  assert.deepEqual(shape(base), { time: 1000, apps: ["a:ok", "b:ok", "c:ok"], traffic: { a: 0, b: 0, c: 0 } }, "base is not changed");
});

test("apply: new apps come last with their traffic; removed apps leave the list and the traffic", () => {
  const out = applyOverviewDelta(base, delta({ time: 2000, apps: [app("d")], traffic: { d: busy(1) }, removed: ["a", "nope"] }));
  assert.deepEqual(shape(out), { time: 2000, apps: ["b:ok", "c:ok", "d:ok"], traffic: { b: 0, c: 0, d: 1 } });
});

test("apply: an empty delta moves only the time", () => {
  const out = applyOverviewDelta(base, delta({ time: 2000 }));
  assert.deepEqual(shape(out), { ...shape(base), time: 2000 });
});

test("merge: later wins per app, for views and traffic alike", () => {
  const m = mergeOverviewDeltas(
    delta({ time: 2000, apps: [app("a", "one"), app("b", "one")], traffic: { a: busy(1) } }),
    delta({ time: 3000, apps: [app("a", "two")], traffic: { a: busy(2), c: busy(5) } }),
  );
  assert.equal(m.time, 3000);
  assert.deepEqual(m.apps.map((a) => `${a.name}:${a.status.message}`), ["a:two", "b:one"]);
  assert.deepEqual(Object.fromEntries(Object.entries(m.traffic).map(([k, t]) => [k, t.rps])), { a: 2, c: 5 });
  assert.deepEqual(m.removed, []);
});

test("merge: a removal wins over an earlier change; a view after a removal brings the app back", () => {
  const removedLater = mergeOverviewDeltas(delta({ time: 2000, apps: [app("d")], traffic: { d: busy(1) } }), delta({ time: 3000, removed: ["d"] }));
  assert.deepEqual(removedLater, { time: 3000, apps: [], traffic: {}, removed: ["d"] });
  const back = mergeOverviewDeltas(delta({ time: 2000, removed: ["a"] }), delta({ time: 3000, apps: [app("a", "again")], traffic: { a: idle } }));
  assert.deepEqual(back.removed, []);
  assert.deepEqual(shape(applyOverviewDelta(base, back)).apps, ["a:again", "b:ok", "c:ok"]);
});

test("merging then applying equals applying one after the other", () => {
  const steps: OverviewDelta[] = [
    delta({ time: 2000, apps: [app("b", "up")], traffic: { b: busy(1) } }),
    delta({ time: 3000, removed: ["b"], apps: [app("d")], traffic: { d: idle } }),
    delta({ time: 4000, traffic: { d: busy(4), a: busy(2) } }),
    delta({ time: 5000, apps: [app("b", "back")], traffic: { b: idle }, removed: ["c"] }),
    delta({ time: 6000 }),
  ];
  let oneByOne = base;
  let merged = steps[0]!;
  for (const [i, step] of steps.entries()) {
    oneByOne = applyOverviewDelta(oneByOne, step);
    if (i > 0) merged = mergeOverviewDeltas(merged, step);
    const together = applyOverviewDelta(base, merged);
    // Order of apps may differ (a re-created app comes last either way); compare as sets.
    assert.deepEqual(shape(together).apps.sort(), shape(oneByOne).apps.sort(), `after step ${i}`);
    assert.deepEqual(shape(together).traffic, shape(oneByOne).traffic, `after step ${i}`);
    assert.equal(together.time, oneByOne.time);
  }
  assert.deepEqual(shape(oneByOne).apps.sort(), ["a:ok", "b:back", "d:ok"]);
});

test("deltaSize counts views, traffic entries and removals", () => {
  assert.equal(deltaSize(delta({ time: 1, apps: [app("a")], traffic: { a: idle, b: idle }, removed: ["c"] })), 4);
  assert.equal(deltaSize(delta({ time: 1 })), 0);
});
