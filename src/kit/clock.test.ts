import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "./clock.js";

test("advance runs due timers in time order with now() at each due time", () => {
  const clock = new ManualClock(1000);
  const seen: Array<[string, number]> = [];
  clock.setTimeout(() => seen.push(["b", clock.now()]), 20);
  clock.setTimeout(() => seen.push(["a", clock.now()]), 10);
  clock.setTimeout(() => seen.push(["late", clock.now()]), 100);
  clock.advance(50);
  assert.deepEqual(seen, [["a", 1010], ["b", 1020]]);
  assert.equal(clock.now(), 1050);
  assert.equal(clock.pending, 1);
});

test("intervals repeat and cancel", () => {
  const clock = new ManualClock();
  let n = 0;
  const t = clock.setInterval(() => n++, 10);
  clock.advance(35);
  assert.equal(n, 3);
  t.cancel();
  clock.advance(100);
  assert.equal(n, 3);
  assert.equal(clock.pending, 0);
});

test("a timer scheduled by a timer runs in the same advance when due", () => {
  const clock = new ManualClock();
  const seen: number[] = [];
  clock.setTimeout(() => clock.setTimeout(() => seen.push(clock.now()), 5), 5);
  clock.advance(10);
  assert.deepEqual(seen, [10]);
});
