import { test } from "node:test";
import assert from "node:assert/strict";
import { MinHeap } from "./heap.js";
import { Rng } from "./random.js";

test("pops in order of the comparison, ties by the tie-break given", () => {
  const heap = new MinHeap<{ t: number; seq: number }>((a, b) => a.t < b.t || (a.t === b.t && a.seq < b.seq));
  const rng = new Rng(1);
  const items = Array.from({ length: 500 }, (_, seq) => ({ t: rng.below(50), seq }));
  for (const item of items) heap.push(item);
  assert.equal(heap.size, 500);
  const out: Array<{ t: number; seq: number }> = [];
  for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x);
  assert.deepEqual(out, [...items].sort((a, b) => a.t - b.t || a.seq - b.seq));
  assert.equal(heap.peek(), undefined);
});

test("interleaved pushes and pops always yield the smallest item held", () => {
  const heap = new MinHeap<number>((a, b) => a < b);
  const held: number[] = [];
  const rng = new Rng(8);
  for (let i = 0; i < 5000; i++) {
    if (held.length > 0 && rng.next() < 0.45) {
      held.sort((a, b) => a - b);
      assert.equal(heap.pop(), held.shift());
    } else {
      const v = rng.below(1000);
      heap.push(v);
      held.push(v);
    }
    assert.equal(heap.size, held.length);
  }
});

test("an empty heap pops and peeks nothing; one item comes back", () => {
  const heap = new MinHeap<string>((a, b) => a < b);
  assert.equal(heap.pop(), undefined);
  heap.push("x");
  assert.equal(heap.peek(), "x");
  assert.equal(heap.pop(), "x");
  assert.equal(heap.size, 0);
});
