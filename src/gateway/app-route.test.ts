import { test } from "node:test";
import assert from "node:assert/strict";
import { request, type ServerResponse } from "node:http";
import { bounded, errorOf, inflightOf, queuedOf, route, send, startGateway, startUpstream, waitFor } from "./test-servers.js";

test("a request at zero waits, calls onWake once per episode, and is released in arrival order by addEndpoint", bounded, async (t) => {
  const h = await startGateway();
  const order: string[] = [];
  const up = await startUpstream((req, res) => (order.push(req.url!), res.end(`served ${req.url}`)));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("cold"));
  const replies = [];
  for (const path of ["/1", "/2", "/3"]) {
    replies.push(send(h.port, { host: "cold.localhost", path }));
    await waitFor(() => queuedOf(h.gw, "cold") === replies.length, `request ${path} to queue`);
  }
  assert.deepEqual(h.wakes, ["cold"]);
  h.clock.advance(1500);
  h.gw.addEndpoint("cold", up.endpoint("cold-1"));
  assert.deepEqual((await Promise.all(replies)).map((r) => r.body), ["served /1", "served /2", "served /3"]);
  assert.deepEqual(order, ["/1", "/2", "/3"]);
  assert.equal(h.served.length, 3);
  assert.deepEqual({ app: h.served[0]!.app, waitedMs: h.served[0]!.waitedMs, endpointId: h.served[0]!.endpointId }, { app: "cold", waitedMs: 1500, endpointId: "cold-1" });
  // A request while a replica is ready does not wake anything; the next episode wakes again.
  assert.equal((await send(h.port, { host: "cold.localhost" })).status, 200);
  h.gw.removeEndpoint("cold", "cold-1");
  const again = send(h.port, { host: "cold.localhost" });
  await waitFor(() => h.wakes.length === 2, "a second wake");
  h.gw.addEndpoint("cold", up.endpoint("cold-2"));
  assert.equal((await again).status, 200);
});

test("a full wake queue answers 503 GATEWAY_WAKE_QUEUE_FULL with Retry-After", bounded, async (t) => {
  const h = await startGateway({ retryAfterSec: 2 });
  const up = await startUpstream((_req, res) => res.end("ok"));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("small", { wakeQueueLimit: 2 }));
  const waiting = [send(h.port, { host: "small.localhost" }), send(h.port, { host: "small.localhost" })];
  await waitFor(() => queuedOf(h.gw, "small") === 2, "two queued requests");
  const full = await send(h.port, { host: "small.localhost" });
  assert.equal(full.status, 503);
  assert.equal(full.headers["retry-after"], "2");
  assert.equal(errorOf(full).code, "GATEWAY_WAKE_QUEUE_FULL");
  h.gw.addEndpoint("small", up.endpoint("small-1"));
  assert.deepEqual((await Promise.all(waiting)).map((r) => r.status), [200, 200]);
});

test("waiting past the request timeout answers 504 GATEWAY_WAKE_TIMEOUT saying the app was starting", bounded, async (t) => {
  const h = await startGateway();
  t.after(() => h.close());
  h.gw.upsertApp(route("slow", { requestTimeoutMs: 10_000 }));
  const waiting = send(h.port, { host: "slow.localhost" });
  await waitFor(() => queuedOf(h.gw, "slow") === 1, "the request to queue");
  h.clock.advance(9_999);
  assert.equal(queuedOf(h.gw, "slow"), 1);
  h.clock.advance(1);
  const reply = await waiting;
  assert.equal(reply.status, 504);
  assert.equal(errorOf(reply).code, "GATEWAY_WAKE_TIMEOUT");
  assert.match(errorOf(reply).message, /was starting/);
  assert.equal(inflightOf(h.gw, "slow"), 0);
});

test("an app that becomes unavailable answers its waiting requests at once with 503 naming the cause", bounded, async (t) => {
  const h = await startGateway();
  t.after(() => h.close());
  h.gw.upsertApp(route("broken"));
  const waiting = send(h.port, { host: "broken.localhost" });
  await waitFor(() => queuedOf(h.gw, "broken") === 1, "the request to queue");
  h.gw.setAvailability("broken", { kind: "unavailable", code: "RUNTIME_CRASH_LOOP", message: "replica exited with code 1: Error: boom", retryAfterSec: 5 });
  const reply = await waiting;
  assert.equal(reply.status, 503);
  assert.equal(reply.headers["retry-after"], "5");
  const err = errorOf(reply);
  assert.equal(err.code, "GATEWAY_APP_UNAVAILABLE");
  assert.match(err.message, /exited with code 1: Error: boom/);
  assert.deepEqual(err.cause, { code: "RUNTIME_CRASH_LOOP", message: "replica exited with code 1: Error: boom" });
  assert.equal((await send(h.port, { host: "broken.localhost" })).status, 503);
});

test("a client that disconnects while waiting leaves the queue and is never sent upstream", bounded, async (t) => {
  const h = await startGateway();
  let hits = 0;
  const up = await startUpstream((_req, res) => (hits++, res.end()));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("gone"));
  const req = request({ host: "127.0.0.1", port: h.port, headers: { host: "gone.localhost" }, agent: false });
  req.on("error", () => {});
  req.end();
  await waitFor(() => queuedOf(h.gw, "gone") === 1, "the request to queue");
  req.destroy();
  await waitFor(() => queuedOf(h.gw, "gone") === 0, "the request to leave the queue");
  assert.equal(inflightOf(h.gw, "gone"), 0);
  h.gw.addEndpoint("gone", up.endpoint("gone-1"));
  assert.equal((await send(h.port, { host: "gone.localhost" })).status, 200);
  assert.equal(hits, 1);
  assert.deepEqual(h.gw.requestMetrics().apps[0]!.requests, { "200": 1, "499": 1 });
});

/** An upstream that holds every response until the test ends it; records which replica got what. */
async function holdingUpstream(name: string, held: Array<{ name: string; url: string; res: ServerResponse }>) {
  return startUpstream((req, res) => void held.push({ name, url: req.url!, res }));
}

test("least in-flight: a new request goes to the replica with fewer requests in flight", bounded, async (t) => {
  const h = await startGateway();
  const held: Array<{ name: string; url: string; res: ServerResponse }> = [];
  const a = await holdingUpstream("a", held);
  const b = await holdingUpstream("b", held);
  t.after(async () => (await h.close(), await a.close(), await b.close()));
  h.gw.upsertApp(route("lb"));
  h.gw.addEndpoint("lb", a.endpoint("a"));
  h.gw.addEndpoint("lb", b.endpoint("b"));
  const r1 = send(h.port, { host: "lb.localhost", path: "/1" });
  await waitFor(() => held.length === 1, "request 1 upstream");
  const r2 = send(h.port, { host: "lb.localhost", path: "/2" });
  await waitFor(() => held.length === 2, "request 2 upstream");
  assert.notEqual(held[0]!.name, held[1]!.name);
  held[0]!.res.end();
  await r1;
  await waitFor(() => inflightOf(h.gw, "lb") === 1, "request 1 to be counted out");
  const r3 = send(h.port, { host: "lb.localhost", path: "/3" });
  await waitFor(() => held.length === 3, "request 3 upstream");
  assert.equal(held[2]!.name, held[0]!.name, "request 3 goes where nothing is in flight");
  for (const x of held.slice(1)) x.res.end();
  await Promise.all([r2, r3]);
});

test("concurrencyLimit: a replica at its limit is not chosen; the request waits without a wake until a slot frees", bounded, async (t) => {
  const h = await startGateway();
  const held: Array<{ name: string; url: string; res: ServerResponse }> = [];
  const a = await holdingUpstream("a", held);
  t.after(async () => (await h.close(), await a.close()));
  h.gw.upsertApp(route("capped", { concurrencyLimit: 1 }));
  h.gw.addEndpoint("capped", a.endpoint("a"));
  const r1 = send(h.port, { host: "capped.localhost", path: "/1" });
  await waitFor(() => held.length === 1, "request 1 upstream");
  const r2 = send(h.port, { host: "capped.localhost", path: "/2" });
  await waitFor(() => queuedOf(h.gw, "capped") === 1, "request 2 to queue");
  assert.equal(held.length, 1);
  assert.deepEqual(h.wakes, []);
  assert.equal(h.gw.collect("capped", h.clock.now()).inflight, 2, "a queued request counts as load");
  held[0]!.res.end("one");
  await waitFor(() => held.length === 2, "request 2 upstream once the slot freed");
  assert.equal(held[1]!.url, "/2");
  held[1]!.res.end("two");
  assert.deepEqual([(await r1).body, (await r2).body], ["one", "two"]);
});

test("drainEndpoint: no new requests go to it, and it resolves when its in-flight request completes", bounded, async (t) => {
  const h = await startGateway();
  const held: Array<{ name: string; url: string; res: ServerResponse }> = [];
  const a = await holdingUpstream("a", held);
  const b = await holdingUpstream("b", held);
  t.after(async () => (await h.close(), await a.close(), await b.close()));
  h.gw.upsertApp(route("d"));
  h.gw.addEndpoint("d", a.endpoint("a"));
  const first = send(h.port, { host: "d.localhost", path: "/first" });
  await waitFor(() => held.length === 1, "the first request upstream");
  let drained = false;
  const drain = h.gw.drainEndpoint("d", "a", 60_000).then(() => (drained = true));
  const second = send(h.port, { host: "d.localhost", path: "/second" });
  await waitFor(() => queuedOf(h.gw, "d") === 1, "the second request to wait, not go to the draining replica");
  assert.deepEqual(h.wakes, ["d"]);
  h.gw.addEndpoint("d", b.endpoint("b"));
  await waitFor(() => held.length === 2, "the second request upstream");
  assert.equal(held[1]!.name, "b");
  assert.equal(drained, false);
  held[0]!.res.end("first done");
  assert.equal((await first).body, "first done");
  await drain;
  held[1]!.res.end();
  await second;
});

test("drainEndpoint resolves after its timeout even with a request still in flight", bounded, async (t) => {
  const h = await startGateway();
  const held: Array<{ name: string; url: string; res: ServerResponse }> = [];
  const a = await holdingUpstream("a", held);
  t.after(async () => (await h.close(), await a.close()));
  h.gw.upsertApp(route("d"));
  h.gw.addEndpoint("d", a.endpoint("a"));
  const first = send(h.port, { host: "d.localhost" });
  await waitFor(() => held.length === 1, "the request upstream");
  let drained = false;
  const drain = h.gw.drainEndpoint("d", "a", 5000).then(() => (drained = true));
  h.clock.advance(4999);
  await new Promise((r) => setImmediate(r));
  assert.equal(drained, false);
  h.clock.advance(1);
  await drain;
  held[0]!.res.end();
  assert.equal((await first).status, 200);
});
