import { test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { bounded, errorOf, send, startGateway, startUpstream, route, token, deferred, waitFor, inflightOf, queuedOf } from "./test-servers.js";

test("routes by Host, case-insensitive, with or without port, and by custom domain", bounded, async (t) => {
  const h = await startGateway();
  const a = await startUpstream((req, res) => res.end(`a ${req.url} ${req.headers.host}`));
  const b = await startUpstream((_req, res) => res.end("b"));
  t.after(async () => (await h.close(), await a.close(), await b.close()));
  h.gw.upsertApp(route("alpha", { hosts: ["alpha.localhost", "www.example.com"] }));
  h.gw.upsertApp(route("beta"));
  h.gw.addEndpoint("alpha", a.endpoint("alpha-1"));
  h.gw.addEndpoint("beta", b.endpoint("beta-1"));

  assert.equal((await send(h.port, { host: "alpha.localhost", path: "/x?y=1" })).body, "a /x?y=1 alpha.localhost");
  assert.equal((await send(h.port, { host: "ALPHA.Localhost:8080", path: "/" })).body, "a / ALPHA.Localhost:8080");
  assert.equal((await send(h.port, { host: "www.example.com." })).body, "a / www.example.com.");
  assert.equal((await send(h.port, { host: "beta.localhost" })).body, "b");
});

test("an unknown host is answered 404 with a JSON body naming the host", bounded, async (t) => {
  const h = await startGateway();
  t.after(() => h.close());
  const reply = await send(h.port, { host: "nope.localhost:8080" });
  assert.equal(reply.status, 404);
  assert.match(reply.headers["content-type"]!, /^application\/json/);
  const err = errorOf(reply);
  assert.equal(err.code, "GATEWAY_UNKNOWN_HOST");
  assert.equal(err.host, "nope.localhost:8080");
  assert.match(err.message, /nope\.localhost/);
  assert.equal(h.gw.requestMetrics().unrouted, 1);
});

test("a removed app stops routing and its waiting requests get 404", bounded, async (t) => {
  const h = await startGateway();
  t.after(() => h.close());
  h.gw.upsertApp(route("gone"));
  const waiting = send(h.port, { host: "gone.localhost" });
  await waitFor(() => queuedOf(h.gw, "gone") === 1, "the request to queue");
  h.gw.removeApp("gone");
  assert.equal((await waiting).status, 404);
  assert.equal(errorOf(await send(h.port, { host: "gone.localhost" })).code, "GATEWAY_UNKNOWN_HOST");
});

test("requiresAuth: 401 with WWW-Authenticate without the right token; the token is not forwarded", bounded, async (t) => {
  const h = await startGateway();
  const up = await startUpstream((req, res) => res.end(JSON.stringify({ auth: req.headers.authorization ?? null })));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("secret", { requiresAuth: true }));
  h.gw.upsertApp(route("open"));
  h.gw.addEndpoint("secret", up.endpoint("s-1"));
  h.gw.addEndpoint("open", up.endpoint("o-1"));

  const none = await send(h.port, { host: "secret.localhost" });
  assert.equal(none.status, 401);
  assert.match(none.headers["www-authenticate"]!, /^Bearer/);
  assert.equal(errorOf(none).code, "GATEWAY_AUTH_REQUIRED");
  const wrong = await send(h.port, { host: "secret.localhost", headers: { authorization: `Bearer ${token}x` } });
  assert.equal(wrong.status, 401);
  assert.equal((await send(h.port, { host: "secret.localhost", headers: { authorization: "Basic abc" } })).status, 401);

  const ok = await send(h.port, { host: "secret.localhost", headers: { authorization: `bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { auth: null });
  // An app without requiresAuth gets the client's Authorization untouched: it is the app's own.
  const open = await send(h.port, { host: "open.localhost", headers: { authorization: "Bearer app-token" } });
  assert.deepEqual(JSON.parse(open.body), { auth: "Bearer app-token" });
  assert.deepEqual(h.gw.requestMetrics().apps.find((a) => a.app === "secret")!.requests, { "200": 1, "401": 3 });
});

test("a stopped app answers 503 GATEWAY_APP_STOPPED with Retry-After", bounded, async (t) => {
  const h = await startGateway({ retryAfterSec: 7 });
  t.after(() => h.close());
  h.gw.upsertApp(route("idle"));
  h.gw.setAvailability("idle", { kind: "stopped" });
  const reply = await send(h.port, { host: "idle.localhost" });
  assert.equal(reply.status, 503);
  assert.equal(reply.headers["retry-after"], "7");
  assert.equal(errorOf(reply).code, "GATEWAY_APP_STOPPED");
  assert.deepEqual(h.wakes, []);
});

test("request metrics count answers by status with a cumulative duration histogram", bounded, async (t) => {
  const h = await startGateway();
  const up = await startUpstream((req, res) => {
    h.clock.advance(req.url === "/slow" ? 2000 : 20);
    res.statusCode = req.url === "/missing" ? 404 : 200;
    res.end();
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("m"));
  h.gw.addEndpoint("m", up.endpoint("m-1"));
  for (const path of ["/", "/missing", "/slow"]) await send(h.port, { host: "m.localhost", path });
  const m = h.gw.requestMetrics().apps.find((a) => a.app === "m")!;
  assert.deepEqual(m.requests, { "200": 2, "404": 1 });
  assert.equal(m.duration.count, 3);
  assert.equal(m.duration.sumSec, 2.04);
  const le = (sec: number) => m.duration.cumulative[m.duration.bucketsSec.indexOf(sec)];
  assert.equal(le(0.025), 2);
  assert.equal(le(1), 2);
  assert.equal(le(2.5), 3);
  assert.equal(m.inflight, 0);
});

test("close() answers waiting requests 503, lets in-flight ones finish, then refuses new ones", bounded, async (t) => {
  const h = await startGateway();
  const release = deferred();
  const up = await startUpstream((_req, res) => void release.promise.then(() => res.end("finished")));
  t.after(() => up.close());
  h.gw.upsertApp(route("busy", { concurrencyLimit: 1 }));
  h.gw.addEndpoint("busy", up.endpoint("b-1"));
  const inflight = send(h.port, { host: "busy.localhost" });
  await waitFor(() => inflightOf(h.gw, "busy") === 1, "the first request in flight");
  const waiting = send(h.port, { host: "busy.localhost" });
  await waitFor(() => queuedOf(h.gw, "busy") === 1, "the second request to queue");

  let closed = false;
  const closing = h.gw.close().then(() => (closed = true));
  const refused = await waiting;
  assert.equal(refused.status, 503);
  assert.equal(errorOf(refused).code, "GATEWAY_SHUTTING_DOWN");
  assert.equal(closed, false);
  release.resolve();
  assert.equal((await inflight).body, "finished");
  await closing;
  assert.equal(closed, true);
  await assert.rejects(send(h.port, { host: "busy.localhost" }), /ECONNREFUSED/);
  await h.gw.close();
});

test("close() also ends idle keep-alive client connections once their request is done", bounded, async (t) => {
  const h = await startGateway();
  const release = deferred();
  const up = await startUpstream((req, res) => void (req.url === "/hold" ? release.promise : Promise.resolve()).then(() => res.end("ok")));
  const agent = new Agent({ keepAlive: true });
  t.after(async () => (agent.destroy(), await up.close()));
  h.gw.upsertApp(route("ka"));
  h.gw.addEndpoint("ka", up.endpoint("ka-1"));
  const get = (path: string) =>
    new Promise<{ status: number }>((resolve, reject) => {
      request({ host: "127.0.0.1", port: h.port, path, headers: { host: "ka.localhost" }, agent }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode! }));
      }).on("error", reject).end();
    });
  assert.equal((await get("/")).status, 200);
  const held = get("/hold");
  await waitFor(() => inflightOf(h.gw, "ka") === 1, "the held request in flight");
  const closed = h.gw.close();
  release.resolve();
  assert.equal((await held).status, 200);
  await closed;
  const open = () => [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)].reduce((n, list) => n + (list?.length ?? 0), 0);
  await waitFor(() => open() === 0, "the client to see its kept-alive connections closed");
});

test("destroy() drops in-flight and waiting requests at once", bounded, async (t) => {
  const h = await startGateway();
  const up = await startUpstream(() => {});
  t.after(() => up.close());
  h.gw.upsertApp(route("x", { concurrencyLimit: 1 }));
  h.gw.addEndpoint("x", up.endpoint("x-1"));
  const outcomes = [send(h.port, { host: "x.localhost" }), send(h.port, { host: "x.localhost" })].map((p) => p.then((r) => r.status, () => "dropped"));
  await waitFor(() => inflightOf(h.gw, "x") === 2 && queuedOf(h.gw, "x") === 1, "one request in flight and one waiting");
  h.gw.destroy(new Error("test abort"));
  h.gw.destroy();
  const settled = await Promise.all(outcomes);
  assert.ok(settled.every((o) => o === "dropped" || o === 503), `got ${settled.join(", ")}`);
  await waitFor(() => inflightOf(h.gw, "x") === 0, "every request counted out");
  await h.gw.close();
});
