import { test } from "node:test";
import assert from "node:assert/strict";
import type { EbbEvent } from "../spec/types.js";
import { FakeFleet } from "./telemetry-fakes.js";
import { OverviewChanges, type OverviewReads } from "./telemetry-overview.js";
import type { AppTraffic, OverviewDelta } from "./types.js";

const idle: AppTraffic = { rps: 0, inflight: 0, p50Ms: null, p99Ms: null };

function setup() {
  const fleet = new FakeFleet();
  const traffic = new Map<string, AppTraffic>();
  const reads: OverviewReads = { summary: (app) => fleet.summary(app), traffic: (app) => traffic.get(app) ?? idle };
  return { fleet, traffic, reads, changes: new OverviewChanges(3) };
}

const deleted = (app: string): EbbEvent => ({ id: 1, app, type: "Deleted", time: new Date(0).toISOString(), revision: 1, message: "", data: {} });

const names = (d: OverviewDelta) => ({ apps: d.apps.map((a) => a.name), traffic: Object.keys(d.traffic), removed: d.removed });

test("a touched app goes into `changed` only when its view or traffic stamp moved", () => {
  const { fleet, traffic, reads, changes } = setup();
  fleet.set("a", { desired: 1 });
  fleet.set("b", {});
  const first = changes.next(new Set(["a", "b"]), reads, 1000)!;
  assert.deepEqual(names(first.changed), { apps: ["a", "b"], traffic: ["a", "b"], removed: [] }, "no stamps yet: whole");
  traffic.set("a", { rps: 2, inflight: 1, p50Ms: 3, p99Ms: 4 });
  fleet.set("b", { desired: 1 });
  const second = changes.next(new Set(["a", "b"]), reads, 2000)!;
  assert.deepEqual(names(second.changed), { apps: ["b"], traffic: ["a"], removed: [] });
  assert.deepEqual(names(second.touched), { apps: ["a", "b"], traffic: ["a", "b"], removed: [] });
  assert.equal(second.changed.time, 2000);
  const third = changes.next(new Set(["a", "b"]), reads, 3000)!;
  assert.deepEqual(names(third.changed), { apps: [], traffic: [], removed: [] });
});

test("stamps last one publication: an app untouched in between is sent whole", () => {
  const { fleet, reads, changes } = setup();
  fleet.set("a", {});
  changes.next(new Set(["a"]), reads, 1000);
  changes.next(new Set(), reads, 2000);
  assert.deepEqual(names(changes.next(new Set(["a"]), reads, 3000)!.changed), { apps: ["a"], traffic: ["a"], removed: [] });
});

test("Deleted apps are removed; one deployed again before the publication is sent whole instead", () => {
  const { fleet, reads, changes } = setup();
  fleet.set("a", {});
  fleet.set("b", {});
  changes.next(new Set(["a", "b"]), reads, 1000);
  fleet.remove("a");
  changes.observe(deleted("a"));
  changes.observe(deleted("b")); // b deleted and deployed again within the second
  const p = changes.next(new Set(["a"]), reads, 2000)!;
  assert.deepEqual(names(p.changed), { apps: ["b"], traffic: ["b"], removed: ["a"] });
  assert.deepEqual(p.touched.removed, ["a"]);
  assert.deepEqual(names(changes.next(new Set(), reads, 3000)!.changed), { apps: [], traffic: [], removed: [] });
});

test("a touched app the fleet no longer knows is removed even without its Deleted event", () => {
  const { reads, changes } = setup();
  assert.deepEqual(names(changes.next(new Set(["ghost"]), reads, 1000)!.changed), { apps: [], traffic: [], removed: ["ghost"] });
});

test("too many touched apps, or deletions past the bound: null, and the next publication starts afresh", () => {
  const { fleet, reads, changes } = setup();
  fleet.set("a", {});
  changes.next(new Set(["a"]), reads, 1000);
  assert.equal(changes.next("all", reads, 2000), null);
  assert.deepEqual(names(changes.next(new Set(["a"]), reads, 3000)!.changed).apps, ["a"], "stamps were dropped");
  for (const app of ["p", "q", "r", "s"]) changes.observe(deleted(app));
  assert.equal(changes.next(new Set(), reads, 4000), null);
  assert.deepEqual(changes.next(new Set(), reads, 5000)!.changed.removed, []);
});
