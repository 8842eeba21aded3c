import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "./clock.js";
import { TimerWheel, type WheelEntry } from "./timer-wheel.js";

/** An entry that records when it ran. */
function entry(clock: ManualClock, ran: Array<[string, number]>, name: string, onDue?: () => void): WheelEntry & { name: string } {
  return {
    name,
    dueAt: 0,
    wheelPrev: null,
    wheelNext: null,
    wheelSlot: -1,
    onDue() {
      ran.push([name, clock.now()]);
      onDue?.();
    },
  };
}

test("an entry runs at the first tick at or after its due time, never before", () => {
  const clock = new ManualClock(1000);
  const wheel = new TimerWheel(clock, 100);
  const ran: Array<[string, number]> = [];
  wheel.add(entry(clock, ran, "exact"), 1300);
  wheel.add(entry(clock, ran, "between"), 1350);
  clock.advance(299);
  assert.deepEqual(ran, []);
  clock.advance(1);
  assert.deepEqual(ran, [["exact", 1300]]);
  clock.advance(100);
  assert.deepEqual(ran, [["exact", 1300], ["between", 1400]]);
  assert.equal(wheel.size, 0);
});

test("a removed entry never runs; removing twice or an entry not in the wheel is harmless", () => {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel(clock, 100);
  const ran: Array<[string, number]> = [];
  const a = entry(clock, ran, "a");
  const b = entry(clock, ran, "b");
  const c = entry(clock, ran, "c");
  for (const e of [a, b, c]) wheel.add(e, 500); // one slot: head, middle and tail removals
  wheel.remove(b);
  wheel.remove(b);
  wheel.remove(entry(clock, ran, "never added"));
  wheel.remove(c);
  assert.equal(wheel.size, 1);
  clock.advance(1000);
  assert.deepEqual(ran, [["a", 500]]);
});

test("adding again moves an entry to its new due time", () => {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel(clock, 100);
  const ran: Array<[string, number]> = [];
  const a = entry(clock, ran, "a");
  wheel.add(a, 200);
  wheel.add(a, 700);
  assert.equal(wheel.size, 1);
  clock.advance(600);
  assert.deepEqual(ran, []);
  clock.advance(100);
  assert.deepEqual(ran, [["a", 700]]);
});

test("a deadline more than a lap away waits out the laps", () => {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel(clock, 100, 8); // a lap is 800 ms
  const ran: Array<[string, number]> = [];
  wheel.add(entry(clock, ran, "far"), 2500);
  wheel.add(entry(clock, ran, "near"), 500);
  clock.advance(2400);
  assert.deepEqual(ran, [["near", 500]]);
  clock.advance(100);
  assert.deepEqual(ran, [["near", 500], ["far", 2500]]);
});

test("a due time already past runs at the next tick", () => {
  const clock = new ManualClock(10_000);
  const wheel = new TimerWheel(clock, 100);
  const ran: Array<[string, number]> = [];
  wheel.add(entry(clock, ran, "late"), 9_000);
  clock.advance(100);
  assert.deepEqual(ran, [["late", 10_100]]);
});

test("a clock that jumps several laps runs everything due, once", () => {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel(clock, 100, 4);
  const ran: Array<[string, number]> = [];
  for (let i = 1; i <= 10; i++) wheel.add(entry(clock, ran, `e${i}`), i * 100);
  wheel.advance(5000); // as if the ticks had stalled
  assert.equal(ran.length, 10);
  assert.equal(wheel.size, 0);
});

test("an entry's onDue may remove another due entry, which then does not run, or add one", () => {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel(clock, 100);
  const ran: Array<[string, number]> = [];
  const victim = entry(clock, ran, "victim");
  const added = entry(clock, ran, "added");
  const first = entry(clock, ran, "first", () => {
    wheel.remove(victim);
    wheel.add(added, clock.now() + 100);
  });
  // Same slot; the list runs newest first, so add the victim first to have it collected after.
  wheel.add(victim, 300);
  wheel.add(first, 300);
  clock.advance(300);
  assert.deepEqual(ran, [["first", 300]]);
  clock.advance(100);
  assert.deepEqual(ran, [["first", 300], ["added", 400]]);
});

test("the wheel holds a clock timer only while entries wait; destroy stops it", () => {
  const clock = new ManualClock(0);
  const wheel = new TimerWheel(clock, 100);
  const ran: Array<[string, number]> = [];
  assert.equal(clock.pending, 0);
  wheel.add(entry(clock, ran, "a"), 100);
  assert.equal(clock.pending, 1);
  clock.advance(200);
  assert.equal(clock.pending, 0, "the tick that found the wheel empty stopped");
  wheel.add(entry(clock, ran, "b"), 10_000);
  wheel.destroy();
  assert.equal(clock.pending, 0);
  wheel.add(entry(clock, ran, "c"), 10_000);
  assert.equal(clock.pending, 0, "a destroyed wheel arms no timer");
});
