import { test } from "node:test";
import assert from "node:assert/strict";
import { AverageWindow } from "./window.js";
import { MaxWindow } from "./max-window.js";

const s = (n: number): number => n * 1000;

test("average: partial window, lagging now, short and long holes (Knative's WindowAverage cases)", () => {
  const w = new AverageWindow(s(5));
  w.record(0, 1);
  assert.equal(w.average(0), 1, "one value averages over the one second seen, not the whole window");
  for (let i = 1; i < 5; i++) w.record(s(i), i + 1);
  assert.equal(w.average(s(4)), 15 / 5);
  assert.equal(w.average(3600), 15 / 5, "a now behind the last write uses the whole total");
  assert.equal(w.average(s(6)), (15 - 1 - 2) / (5 - 2), "buckets that left the window are dropped");
  assert.equal(w.average(s(10)), 0, "nothing for a whole window");
  w.record(s(6), 91);
  assert.equal(w.average(s(6)), (15 - 1 - 2 + 91) / 5, "the skipped second counts as zero");
});

test("average: restarts after a long gap, accepts late values within the window, ignores older ones", () => {
  const w = new AverageWindow(s(5));
  for (let i = 0; i < 5; i++) w.record(s(i), i + 1);
  const t = s(66);
  w.record(t, 1984);
  assert.equal(w.average(t), 1984);
  w.record(t - s(3), 4);
  assert.equal(w.average(t), (4 + 1984) / 4);
  w.record(t + s(1), 5);
  assert.equal(w.average(t + s(1)), (4 + 1984 + 5) / 5);
  w.record(t + s(1) - s(3), 10);
  assert.equal(w.average(t + s(1)), (4 + 10 + 1984 + 5) / 5);
  w.record(t + s(1) - s(6), 10);
  assert.equal(w.average(t + s(1)), (4 + 10 + 1984 + 5) / 5, "older than the window: ignored");
});

test("average: values in one bucket add up; descending writes average correctly", () => {
  const w = new AverageWindow(s(5));
  for (let i = 8; i >= 0; i--) w.record(s(i), 5);
  assert.equal(w.average(s(5)), 5);
  const same = new AverageWindow(s(60));
  same.record(100, 2);
  same.record(900, 3);
  assert.equal(same.average(900), 5);
});

test("average: isEmpty and float noise floored to 6 decimals", () => {
  const w = new AverageWindow(s(60));
  assert.equal(w.isEmpty(0), true);
  assert.equal(w.average(0), 0);
  w.record(s(1), 0.1);
  w.record(s(2), 0.2);
  w.record(s(3), 0.6);
  assert.equal(w.average(s(3)), 0.3, "0.1 + 0.2 + 0.6 is 0.9000000000000001 in floats");
  assert.equal(w.isEmpty(s(63)), false);
  assert.equal(w.isEmpty(s(64)), true);
});

test("recordInterval: a 1 s sample fills one bucket; shorter ones add up; longer ones spread", () => {
  const one = new AverageWindow(s(6));
  one.recordInterval(s(10), 1000, 7);
  assert.equal(one.average(s(10)), 7);

  const halves = new AverageWindow(s(6));
  halves.recordInterval(s(10), 500, 4);
  halves.recordInterval(s(10) + 500, 500, 4);
  assert.equal(halves.average(s(10) + 500), 4, "two 500 ms samples make one second of load 4");

  const two = new AverageWindow(s(6));
  two.recordInterval(s(10), 2000, 3);
  two.recordInterval(s(12), 2000, 3);
  assert.equal(two.average(s(12)), 3, "2 s samples cover both of their buckets");

  const long = new AverageWindow(s(6));
  long.recordInterval(s(600), s(600), 2);
  assert.equal(long.average(s(600)), 2, "a sample longer than the window fills the window only");
  long.recordInterval(s(600), 0, 50);
  assert.equal(long.average(s(600)), 2, "an empty interval records nothing");
});

test("max window: value, same bucket, larger later, gap (Knative's TimedWindowMax cases)", () => {
  const cases: Array<[string, Array<[number, number]>, number]> = [
    ["single value", [[0, 5]], 5],
    ["two values in same second", [[0, 6], [500, 5]], 6],
    ["two values", [[0, 5], [s(1), 8]], 8],
    ["time gap", [[0, 5], [s(6), 4]], 4],
  ];
  for (const [name, values, want] of cases) {
    const m = new MaxWindow(s(5), 1000);
    for (const [t, v] of values) m.record(t, v);
    assert.equal(m.current(), want, name);
  }
  assert.equal(new MaxWindow(s(5)).current(), 0, "empty");
});

test("max window: a value recorded at 2 s counts at 300 s and is gone at 302 s (5 min, 2 s buckets)", () => {
  const m = new MaxWindow(s(300), 2000);
  assert.equal(m.size, 150);
  m.record(s(2), 4);
  m.record(s(300), 0);
  assert.equal(m.current(), 4);
  m.record(s(302), 0);
  assert.equal(m.current(), 0);
});

test("max window: a lower value takes over as higher ones age out; resize keeps contents", () => {
  const m = new MaxWindow(s(10), 2000);
  m.record(0, 9);
  m.record(s(4), 6);
  m.record(s(8), 3);
  assert.equal(m.current(), 9);
  m.record(s(10), 1);
  assert.equal(m.current(), 6);
  m.record(s(14), 1);
  assert.equal(m.current(), 3);
  m.resize(s(30));
  m.record(s(20), 1);
  assert.equal(m.current(), 3, "the longer window still holds the 3 from 8 s");
  assert.throws(() => new MaxWindow(0), /durationMs/);
});
