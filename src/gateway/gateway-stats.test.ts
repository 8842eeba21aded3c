import { test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { emptySample } from "../spec/traffic.js";
import { bounded, inflightOf, route, send, startGateway, startUpstream, waitFor } from "./test-servers.js";

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

test("changedRequestMetrics: 10,000 idle apps are not read; an app shows after its traffic, and while a request is in flight", bounded, async (t) => {
  const h = await startGateway();
  const held: ServerResponse[] = [];
  const up = await startUpstream((_req, res) => void held.push(res));
  t.after(async () => (await h.close(), await up.close()));
  for (let i = 0; i < 10_000; i++) h.gw.upsertApp(route(`idle-${i}`));
  h.gw.upsertApp(route("busy"));
  h.gw.addEndpoint("busy", up.endpoint("busy-1"));
  assert.deepEqual(h.gw.changedRequestMetrics().apps, [], "nothing moved yet");

  const unknown = await send(h.port, { host: "nobody.localhost" });
  assert.equal(unknown.status, 404);
  const first = send(h.port, { host: "busy.localhost" });
  await waitFor(() => held.length === 1, "the request upstream");
  const inflight = h.gw.changedRequestMetrics();
  assert.deepEqual([inflight.apps.map((a) => [a.app, a.inflight, a.duration.count]), inflight.unrouted], [[["busy", 1, 0]], 1]);
  assert.deepEqual(h.gw.changedRequestMetrics().apps.map((a) => a.app), ["busy"], "still in flight: read again");
  held[0]!.end("done");
  await first;
  await waitFor(() => inflightOf(h.gw, "busy") === 0, "the request counted out");
  assert.deepEqual(h.gw.changedRequestMetrics().apps.map((a) => [a.app, a.inflight, a.requests]), [["busy", 0, { "200": 1 }]]);
  assert.deepEqual(h.gw.changedRequestMetrics().apps, [], "read once after it finished, then not again");

  h.gw.upsertApp(route("secret", { requiresAuth: true }));
  assert.equal((await send(h.port, { host: "secret.localhost" })).status, 401);
  h.gw.removeApp("idle-7");
  assert.deepEqual(h.gw.changedRequestMetrics().apps.map((a) => [a.app, a.requests]), [["secret", { "401": 1 }]], "a refusal counts as a change");
  const all = h.gw.requestMetrics();
  assert.equal(all.apps.length, 10_001);
  assert.deepEqual(all.apps.find((a) => a.app === "idle-8"), {
    app: "idle-8",
    requests: {},
    duration: { bucketsSec: all.apps[0]!.duration.bucketsSec, cumulative: new Array(15).fill(0), sumSec: 0, count: 0 },
    inflight: 0,
    queued: 0,
  });
});
