import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { EndpointSet } from "./endpoint-set.js";

const pool = { connectTimeoutMs: 1000, idleTimeoutMs: 1000 };

function setOf(...ids: string[]): { set: EndpointSet; clock: ManualClock } {
  const clock = new ManualClock();
  const set = new EndpointSet(pool, clock);
  ids.forEach((id, i) => set.add({ id, host: "127.0.0.1", port: 10_000 + i, revision: 1 }));
  return { set, clock };
}

test("least in-flight wins; ties go round robin", () => {
  const { set } = setOf("a", "b", "c");
  assert.deepEqual([0, 1, 2, 3].map(() => set.pick(null, null)!.id), ["a", "b", "c", "a"]);
  set.get("a")!.inflight = 2;
  set.get("b")!.inflight = 1;
  set.get("c")!.inflight = 3;
  assert.equal(set.pick(null, null)!.id, "b");
  set.destroy();
});

test("the concurrency limit, draining and an excluded endpoint are skipped", () => {
  const { set } = setOf("a", "b");
  set.get("a")!.inflight = 1;
  set.get("b")!.inflight = 1;
  assert.equal(set.pick(1, null), null);
  assert.equal(set.pick(2, null)?.inflight, 1);
  set.get("b")!.inflight = 0;
  assert.equal(set.pick(null, set.get("b")!)!.id, "a");
  void set.drain("b", 1000);
  assert.equal(set.readyCount, 1);
  assert.equal(set.pick(null, null)!.id, "a");
  assert.equal(set.pick(null, set.get("a")!), null);
  set.destroy();
});

test("drain resolves when the last in-flight request is released", async () => {
  const { set } = setOf("a");
  const a = set.get("a")!;
  a.inflight = 2;
  let done = false;
  const drained = set.drain("a", 60_000).then(() => (done = true));
  set.release(a);
  await Promise.resolve();
  assert.equal(done, false);
  set.release(a);
  await drained;
  assert.equal(done, true);
  assert.equal(await set.drain("missing", 1).then(() => "resolved"), "resolved");
  set.destroy();
});

test("drain resolves at its timeout on the clock", async () => {
  const { set, clock } = setOf("a");
  set.get("a")!.inflight = 1;
  let done = false;
  const drained = set.drain("a", 5000).then(() => (done = true));
  clock.advance(4999);
  await Promise.resolve();
  assert.equal(done, false);
  clock.advance(1);
  await drained;
  assert.equal(clock.pending, 0);
  set.destroy();
});

test("re-adding a draining endpoint takes it back; a new address replaces it; remove stops routing", () => {
  const { set } = setOf("a");
  void set.drain("a", 1000);
  assert.equal(set.readyCount, 0);
  const again = set.add({ id: "a", host: "127.0.0.1", port: 10_000, revision: 1 });
  assert.equal(again, set.get("a"));
  assert.equal(set.readyCount, 1);
  const moved = set.add({ id: "a", host: "127.0.0.1", port: 10_001, revision: 2 });
  assert.notEqual(moved, again);
  assert.equal(again.removed, true);
  assert.equal(set.readyCount, 1);
  assert.equal(set.remove("a"), true);
  assert.equal(set.remove("a"), false);
  assert.equal(set.readyCount, 0);
  assert.equal(set.pick(null, null), null);
});
