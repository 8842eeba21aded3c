import { test } from "node:test";
import assert from "node:assert/strict";
import { WakeQueue, type QueueNode } from "./wake-queue.js";

interface Item extends QueueNode {
  name: string;
}

const item = (name: string): Item => ({ name, prev: null, next: null, queued: false });

function drain(q: WakeQueue<Item>): string[] {
  const out: string[] = [];
  for (let i = q.shift(); i; i = q.shift()) out.push(i.name);
  return out;
}

test("first in, first out", () => {
  const q = new WakeQueue<Item>();
  for (const n of ["a", "b", "c"]) assert.equal(q.push(item(n), 10), true);
  assert.equal(q.length, 3);
  assert.equal(q.peek()?.name, "a");
  assert.deepEqual(drain(q), ["a", "b", "c"]);
  assert.equal(q.length, 0);
  assert.equal(q.shift(), undefined);
});

test("push refuses past the limit; a refused item is not linked", () => {
  const q = new WakeQueue<Item>();
  assert.equal(q.push(item("a"), 2), true);
  assert.equal(q.push(item("b"), 2), true);
  const c = item("c");
  assert.equal(q.push(c, 2), false);
  assert.equal(c.queued, false);
  assert.equal(q.unshift(item("d"), 2), false);
  assert.equal(q.length, 2);
});

test("remove takes an item out from anywhere, once", () => {
  const q = new WakeQueue<Item>();
  const items = ["a", "b", "c", "d"].map(item);
  for (const i of items) q.push(i, 10);
  assert.equal(q.remove(items[1]!), true);
  assert.equal(q.remove(items[1]!), false);
  assert.equal(q.remove(items[3]!), true);
  assert.equal(q.remove(items[0]!), true);
  assert.equal(items[0]!.queued, false);
  assert.deepEqual(drain(q), ["c"]);
  q.push(items[0]!, 10);
  assert.deepEqual(drain(q), ["a"]);
});

test("unshift puts an item back at the front", () => {
  const q = new WakeQueue<Item>();
  q.push(item("b"), 10);
  q.push(item("c"), 10);
  assert.equal(q.unshift(item("a"), 10), true);
  const twice = item("x");
  q.push(twice, 10);
  assert.equal(q.push(twice, 10), false, "an item is queued at most once");
  assert.deepEqual(drain(q), ["a", "b", "c", "x"]);
});
