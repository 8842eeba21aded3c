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
