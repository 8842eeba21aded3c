import { test } from "node:test";
import assert from "node:assert/strict";
import { AppModel, EventKind, type AppHost, type Replica } from "./app-model.js";
import { LatencyHistogram } from "./histogram.js";

function harness(limits = { concurrencyLimit: Infinity, timeoutMs: 300_000, wakeQueueLimit: 1000 }) {
  const events: Array<{ atMs: number; kind: EventKind; replica: Replica | null }> = [];
  const wakes: number[] = [];
  const host: AppHost = {
    schedule: (atMs, kind, _app, replica) => void events.push({ atMs, kind, replica }),
    coldStartMs: () => 1000,
    wake: () => void wakes.push(events.length),
    latency: new LatencyHistogram(),
    fleet: { live: 0, peak: 0, requests: 0 },
  };
  const app = new AppModel("a", 0, limits, host, 0);
  /** Runs scheduled events up to t, in time order. */
  const runUntil = (t: number): void => {
    for (;;) {
      events.sort((x, y) => x.atMs - y.atMs);
      if (events.length === 0 || events[0]!.atMs > t) return;
      const ev = events.shift()!;
      app.handle(ev.atMs, ev.kind, ev.replica);
    }
  };
  return { app, host, wakes, runUntil };
}

test("a removed replica drains: no new requests, and it costs until its last one ends", () => {
  const { app, host, runUntil } = harness();
  app.scaleTo(0, 2);
  assert.equal(app.replicaStarts, 2);
  runUntil(1000);
  assert.equal(app.readyCount, 2);
  app.arrive(1000, 5000);
  app.arrive(1000, 5000);
  assert.deepEqual(app.replicas.map((r) => r.inflight), [1, 1], "least in flight spreads them");
  app.scaleTo(2000, 1);
  assert.deepEqual(app.replicas.map((r) => r.state), ["ready", "draining"], "the newest ready one goes");
  assert.equal(host.fleet.live, 2);
  app.arrive(2500, 100);
  assert.deepEqual(app.replicas.map((r) => r.inflight), [2, 1], "nothing new goes to a draining replica");
  runUntil(6000);
  assert.equal(host.fleet.live, 1);
  assert.equal(app.replicas.length, 1);
  app.account(10_000);
  assert.equal(app.startingMs, 2000);
  assert.equal(app.busyMs, 10_000);
  assert.equal(app.idleMs, 4000);
  assert.equal(host.fleet.requests, 0);
});

test("scaling down removes starting replicas first, and their ready events are ignored", () => {
  const { app, host, runUntil } = harness();
  app.scaleTo(0, 1);
  runUntil(1000);
  app.scaleTo(1000, 3);
  app.scaleTo(1500, 1);
  assert.deepEqual(app.replicas.map((r) => r.state), ["ready"]);
  runUntil(5000);
  assert.equal(app.readyCount, 1);
  assert.equal(host.fleet.live, 1);
  assert.equal(host.fleet.peak, 3);
  app.account(5000);
  assert.equal(app.startingMs, 1000 + 2 * 500);
});

test("the first request waiting with no ready replica wakes once per wait episode", () => {
  const { app, wakes, runUntil } = harness();
  app.arrive(0, 10);
  app.arrive(1, 10);
  assert.equal(wakes.length, 1);
  assert.equal(app.coldStartWaits, 2);
  assert.equal(app.queued, 2);
  const sample = app.collect(1);
  assert.equal(sample.inflight, 2);
  assert.equal(sample.queued, 2);
  app.scaleTo(1, 1);
  runUntil(2000);
  assert.equal(app.queued, 0);
  app.scaleTo(2000, 0);
  app.arrive(3000, 10);
  assert.equal(wakes.length, 2, "a new episode wakes again");
});

test("wait timeouts expire from the front and re-arm for the next waiting request", () => {
  const { app, host, runUntil } = harness({ concurrencyLimit: Infinity, timeoutMs: 1000, wakeQueueLimit: 10 });
  app.arrive(0, 10);
  app.arrive(600, 10);
  runUntil(1000);
  assert.equal(app.timeouts, 1);
  assert.equal(app.queued, 1);
  runUntil(1600);
  assert.equal(app.timeouts, 2);
  assert.equal(host.fleet.requests, 0);
  assert.equal(host.latency.count, 2);
});
