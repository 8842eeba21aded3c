import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { ManualClock } from "../kit/clock.js";
import { emptySample, TrafficStats } from "./traffic-stats.js";
import { bounded, inflightOf, route, send, startGateway, startUpstream, waitFor } from "./test-servers.js";

test("collect() gives the time-weighted average in-flight over the interval, then resets it", () => {
  const clock = new ManualClock(0);
  const s = new TrafficStats(clock.now());
  s.arrive(clock.now());
  s.arrive(clock.now());
  clock.advance(1000);
  s.depart(clock.now());
  clock.advance(1000);
  // 2 for 1000 ms, then 1 for 1000 ms: (2000 + 1000) / 2000.
  assert.deepEqual(s.collect(clock.now(), 0), { avgConcurrency: 1.5, arrivals: 2, intervalMs: 2000, inflight: 1, queued: 0, lastActiveAt: 1000 });
  clock.advance(500);
  assert.deepEqual(s.collect(clock.now(), 1), { avgConcurrency: 1, arrivals: 0, intervalMs: 500, inflight: 1, queued: 1, lastActiveAt: 1000 });
  s.depart(clock.now());
  clock.advance(3000);
  const idle = s.collect(clock.now(), 0);
  assert.equal(idle.avgConcurrency, 0);
  assert.equal(idle.lastActiveAt, 2500);
});

test("short spikes count by their duration, not as a point sample", () => {
  const s = new TrafficStats(0);
  for (let i = 0; i < 10; i++) s.arrive(100);
  for (let i = 0; i < 10; i++) s.depart(200);
  // 10 in flight for 100 ms of a 1000 ms interval.
  const sample = s.collect(1000, 0);
  assert.equal(sample.avgConcurrency, 1);
  assert.equal(sample.arrivals, 10);
  assert.equal(sample.inflight, 0);
});

test("a zero-length interval reports the current in-flight; a clock behind the last change adds nothing", () => {
  const s = new TrafficStats(50);
  s.arrive(100);
  s.collect(100, 0);
  assert.equal(s.collect(100, 0).avgConcurrency, 1);
  assert.equal(s.collect(90, 0).avgConcurrency, 1);
  assert.deepEqual(emptySample(), { avgConcurrency: 0, arrivals: 0, intervalMs: 0, inflight: 0, queued: 0, lastActiveAt: null });
});

test("the gateway's collect() integrates real requests on its ManualClock", bounded, async (t) => {
  const h = await startGateway();
  const held: ServerResponse[] = [];
  const up = await startUpstream((_req, res) => void held.push(res));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("s"));
  const start = h.clock.now();
  h.gw.collect("s", start);
  h.gw.addEndpoint("s", up.endpoint("s-1"));
  const replies = [send(h.port, { host: "s.localhost" }), send(h.port, { host: "s.localhost" })];
  await waitFor(() => held.length === 2, "both requests upstream");
  h.clock.advance(1000);
  held[0]!.end();
  await replies[0];
  await waitFor(() => inflightOf(h.gw, "s") === 1, "the first request counted out");
  h.clock.advance(1000);
  const sample = h.gw.collect("s", h.clock.now());
  assert.deepEqual(sample, { avgConcurrency: 1.5, arrivals: 2, intervalMs: 2000, inflight: 1, queued: 0, lastActiveAt: start + 1000 });
  held[1]!.end();
  await replies[1];
  assert.deepEqual(h.gw.collect("unknown", h.clock.now()), emptySample());
});
