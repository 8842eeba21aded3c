import { test } from "node:test";
import assert from "node:assert/strict";
import type { StatsSource, TrafficSample } from "../autoscaler/types.js";
import { FakeStats } from "../autoscaler/fake.js";
import { ManualClock } from "../kit/clock.js";
import { EbbError } from "../kit/errors.js";
import { silentLogger } from "../kit/log.js";
import { createMemoryStore } from "../store/memory.js";
import type { ArrivalCount } from "../store/types.js";
import { ArrivalRecorder, type ArrivalRecorderConfig } from "./arrival-recorder.js";

const t0 = 1_700_000_000_000;
const s0 = t0 / 1000;

function setup(config: Partial<ArrivalRecorderConfig> = {}, source?: StatsSource) {
  const clock = new ManualClock(t0);
  const store = createMemoryStore();
  const calls: Array<[string, ArrivalCount[]]> = [];
  let refuse: string | null = null;
  const history = {
    recordArrivals(app: string, counts: ArrivalCount[]) {
      if (app === refuse) throw new EbbError("STORE_CLOSED", "closed");
      calls.push([app, counts.map((c) => [...c] as ArrivalCount)]);
      store.recordArrivals(app, counts);
    },
    pruneArrivals: (beforeSec: number) => store.pruneArrivals(beforeSec),
  };
  const stats = new FakeStats(clock);
  const recorder = new ArrivalRecorder({ source: source ?? stats, history, clock, log: silentLogger, config });
  /** What the autoscaler does every second: one collect per app. */
  const tick = (apps: string[], ms = 1000) => {
    clock.advance(ms);
    for (const app of apps) recorder.collect(app, clock.now());
  };
  const rows = (app: string) => store.listArrivals(app, 0, s0 * 2);
  return { clock, store, stats, recorder, calls, tick, rows, refuse: (app: string | null) => void (refuse = app) };
}

test("arrivals are stamped in the second they happened and written on flush, per app", () => {
  const s = setup();
  s.clock.advance(200);
  s.stats.arrive("a", 3);
  s.stats.finish("a", 3);
  s.tick(["a", "b"], 800);
  s.clock.advance(1500);
  s.stats.arrive("a", 2);
  s.stats.arrive("b", 1);
  s.tick(["a", "b"], 400);
  s.tick(["a", "b"]);
  assert.equal(s.recorder.buffered, 3);
  assert.deepEqual(s.rows("a"), [], "nothing written before a flush");
  assert.equal(s.recorder.flush(), 3);
  assert.deepEqual(s.rows("a"), [[s0, 3], [s0 + 2, 2]]);
  assert.deepEqual(s.rows("b"), [[s0 + 2, 1]]);
  assert.equal(s.recorder.buffered, 0);
  assert.equal(s.recorder.flush(), 0);
});

test("samples pass through untouched, and idle apps leave no trace: no buffer, no store call", () => {
  const idle: TrafficSample = Object.freeze({ avgConcurrency: 0, arrivals: 0, intervalMs: 1000, inflight: 0, queued: 0, lastActiveAt: null });
  const s = setup({}, { collect: () => idle });
  for (let i = 0; i < 10_000; i++) assert.equal(s.recorder.collect(`app-${i}`, t0), idle);
  assert.equal(s.recorder.buffered, 0);
  s.recorder.start();
  s.clock.advance(60_000);
  assert.deepEqual(s.calls, []);
});

test("a running recorder flushes every flushIntervalMs in one batch per app with arrivals", () => {
  const s = setup({ flushIntervalMs: 10_000 });
  s.recorder.start();
  for (let i = 0; i < 9; i++) {
    s.stats.arrive("a", i + 1);
    s.tick(["a", "quiet"]);
  }
  assert.equal(s.calls.length, 0);
  s.tick(["a", "quiet"]);
  assert.equal(s.calls.length, 1);
  assert.equal(s.calls[0]![0], "a");
  assert.deepEqual(s.calls[0]![1].map(([sec, n]) => [sec - s0, n]), [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [6, 7], [7, 8], [8, 9]]);
});

test("a full buffer is flushed at once; rows the store refuses are dropped and counted", () => {
  const s = setup({ maxBufferedRows: 3 });
  s.refuse("b");
  s.stats.arrive("b");
  s.tick(["a", "b"]);
  s.stats.arrive("a");
  s.tick(["a", "b"]);
  assert.deepEqual(s.calls, []);
  s.stats.arrive("a", 4);
  s.tick(["a", "b"]);
  assert.deepEqual(s.rows("a"), [[s0 + 1, 1], [s0 + 2, 4]], "flushed at the bound, before any timer");
  assert.equal(s.recorder.buffered, 0);
  assert.equal(s.recorder.dropped, 1);
});

test("seconds past the retention are pruned at start and every pruneIntervalMs", () => {
  const s = setup({ retentionSec: 3600, pruneIntervalMs: 3_600_000 });
  s.store.recordArrivals("old", [[s0 - 7200, 1], [s0 - 100, 2]]);
  s.recorder.start();
  assert.deepEqual(s.rows("old"), [[s0 - 100, 2]]);
  s.clock.advance(3_599_999);
  assert.deepEqual(s.rows("old"), [[s0 - 100, 2]]);
  s.clock.advance(1);
  assert.deepEqual(s.rows("old"), []);
});

test("close flushes what is buffered and is idempotent; destroy drops it; neither records afterwards", async () => {
  const s = setup();
  s.recorder.start();
  s.stats.arrive("a", 2);
  s.tick(["a"]);
  await Promise.all([s.recorder.close(), s.recorder.close()]);
  assert.deepEqual(s.rows("a"), [[s0, 2]]);
  s.stats.arrive("a", 5);
  s.tick(["a"]);
  assert.equal(s.recorder.buffered, 0);
  assert.equal(s.clock.pending, 0, "timers cancelled");

  const d = setup();
  d.stats.arrive("a", 2);
  d.tick(["a"]);
  d.recorder.destroy(new Error("stop"));
  d.recorder.destroy();
  assert.equal(d.recorder.flush(), 0);
  assert.deepEqual(d.rows("a"), []);
});

test("a sample's arrivals go to the middle of the interval they could have happened in", () => {
  const sample = (intervalMs: number, lastActiveAt: number | null): TrafficSample => ({ avgConcurrency: 0, arrivals: 1, intervalMs, inflight: 0, queued: 0, lastActiveAt });
  let next = sample(1000, null);
  const s = setup({}, { collect: () => next });
  // (t0 + 1000, t0 + 2000]: the middle is t0 + 1500.
  s.recorder.collect("a", t0 + 2000);
  // The last activity at t0 + 2100 bounds it: (t0 + 2000, t0 + 2100] -> second s0 + 2.
  next = sample(1000, t0 + 2100);
  s.recorder.collect("a", t0 + 3000);
  // A long interval counts as maxSpreadMs (1 s): (t0 + 9000, t0 + 10000].
  next = sample(60_000, null);
  s.recorder.collect("a", t0 + 10_000);
  s.recorder.flush();
  assert.deepEqual(s.rows("a"), [[s0 + 1, 1], [s0 + 2, 1], [s0 + 9, 1]]);
});
