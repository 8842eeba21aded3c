import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../kit/clock.js";
import { silentLogger } from "../../kit/log.js";
import { MemoryWatch } from "./memory-watch.js";

function setup(rss: Map<number, number>) {
  const clock = new ManualClock();
  const asked: number[][] = [];
  const watch = new MemoryWatch({
    clock, pollMs: 1_000, log: silentLogger, enabled: true,
    sample: async (pgids) => {
      asked.push([...pgids]);
      return new Map([...rss].filter(([pgid]) => pgids.has(pgid)));
    },
  });
  return { clock, watch, asked };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test("a group over its limit is reported once; the timer runs only while something is watched", async () => {
  const rss = new Map([[100, 50], [200, 500]]);
  const { clock, watch, asked } = setup(rss);
  const over: Array<[number, number]> = [];
  watch.watch(100, 100, (b) => over.push([100, b]));
  const stop200 = watch.watch(200, 400, (b) => over.push([200, b]));
  assert.equal(clock.pending, 1);
  clock.advance(1_000);
  await tick();
  assert.deepEqual(over, [[200, 500]]);
  assert.deepEqual(asked, [[100, 200]]);
  rss.set(200, 900);
  clock.advance(1_000);
  await tick();
  assert.deepEqual(over, [[200, 500]], "reported once");
  assert.deepEqual(asked[1], [100]);
  stop200();
  watch.watch(100, 100, () => {})();
  assert.equal(clock.pending, 0, "nothing watched, no timer");
});

test("a slow sample skips ticks instead of piling up", async () => {
  const clock = new ManualClock();
  let calls = 0;
  let finish: () => void = () => {};
  const watch = new MemoryWatch({
    clock, pollMs: 10, log: silentLogger, enabled: true,
    sample: () => {
      calls++;
      return new Promise((r) => (finish = () => r(new Map())));
    },
  });
  watch.watch(1, 10, () => {});
  clock.advance(50);
  assert.equal(calls, 1);
  finish();
  await tick();
  clock.advance(10);
  assert.equal(calls, 2);
  watch.close();
  assert.equal(clock.pending, 0);
});

test("disabled (no /proc) or without a limit, nothing is watched", () => {
  const clock = new ManualClock();
  const off = new MemoryWatch({ clock, pollMs: 10, log: silentLogger, enabled: false });
  off.watch(1, 10, () => {});
  const on = new MemoryWatch({ clock, pollMs: 10, log: silentLogger, enabled: true });
  on.watch(1, 0, () => {});
  assert.equal(off.watching + on.watching, 0);
  assert.equal(clock.pending, 0);
});
