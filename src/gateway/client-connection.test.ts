/**
 * The client connection over raw sockets: requests split anywhere, pipelining, keep-alive rules,
 * answer framing, 100-continue, clients that leave, and the head and idle deadlines (moved by the
 * gateway's ManualClock).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { rawConnect } from "./test-raw-client.js";
import { bounded, deferred, inflightOf, queuedOf, route, startEchoGateway, startGateway, startUpstream, waitFor, type Harness } from "./test-servers.js";

function echoGateway(t: { after(fn: () => Promise<void>): void }, config = {}): Promise<{ h: Harness; seen: string[] }> {
  return startEchoGateway(
    t,
    (req) => `${req.method} ${req.url}`,
    (req, res, body) => {
      if (req.url === "/unsized") {
        res.write("part one, ");
        res.end("part two");
      } else res.end(`${req.method} ${req.url} body=${body}`);
    },
    config,
  );
}

const post = "POST /one HTTP/1.1\r\nHost: echo.localhost\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n2\r\nef\r\n0\r\nX-T: 1\r\n\r\n";
const get = "GET /two HTTP/1.1\r\nHost: echo.localhost\r\n\r\n";

test("two pipelined requests split at every byte boundary are answered the same, in order", bounded, async (t) => {
  const { h } = await echoGateway(t);
  const wire = post + get;
  for (let split = 1; split < wire.length; split++) {
    const c = await rawConnect(h.port);
    await c.send(wire.slice(0, split), wire.slice(split));
    const answers = await c.answers(2);
    assert.deepEqual(
      answers.map((a) => [a.status, a.body]),
      [[200, "POST /one body=abcdef"], [200, "GET /two body="]],
      `split at ${split}`,
    );
    c.close();
  }
});

test("pipelined requests are read one at a time: the next reaches the app after the answer before it", bounded, async (t) => {
  const h = await startGateway();
  const order: string[] = [];
  const release = deferred();
  const up = await startUpstream((req, res) => {
    order.push(req.url!);
    req.resume();
    if (req.url === "/a") void release.promise.then(() => res.end("a"));
    else res.end(req.url!.slice(1));
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("p"));
  h.gw.addEndpoint("p", up.endpoint("p-1"));
  const c = await rawConnect(h.port);
  const req = (path: string, body = "") => `POST ${path} HTTP/1.1\r\nHost: p.localhost\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  await c.send(req("/a") + req("/b", "bee") + req("/c"));
  await waitFor(() => order.length === 1, "the first request to reach the app");
  assert.deepEqual(order, ["/a"], "the second waits for the first answer");
  release.resolve();
  assert.deepEqual((await c.answers(3)).map((a) => a.body), ["a", "b", "c"]);
  assert.deepEqual(order, ["/a", "/b", "/c"]);
  c.close();
});

test("HTTP/1.0: kept alive only when asked; an answer of unknown length is delimited by the close", bounded, async (t) => {
  const { h } = await echoGateway(t);
  const kept = await rawConnect(h.port);
  await kept.send("GET /a HTTP/1.0\r\nHost: echo.localhost\r\nConnection: keep-alive\r\n\r\n");
  const [first] = await kept.answers(1);
  assert.equal(first!.headers.connection, "keep-alive");
  await kept.send("GET /b HTTP/1.0\r\nHost: echo.localhost\r\nConnection: keep-alive\r\n\r\n");
  assert.equal((await kept.answers(2))[1]!.body, "GET /b body=", "the connection served a second request");
  kept.close();

  const plain = await rawConnect(h.port);
  await plain.send("GET /unsized HTTP/1.0\r\nHost: echo.localhost\r\n\r\n");
  await plain.waitClosed();
  const [unsized] = await plain.answers(1);
  assert.equal(unsized!.headers["transfer-encoding"], undefined, "no chunked coding toward HTTP/1.0");
  assert.equal(unsized!.headers.connection, "close");
  assert.equal(unsized!.body, "part one, part two");
});

test("HTTP/1.1: an answer of unknown length is sent chunked and the connection stays open; HEAD has no body", bounded, async (t) => {
  const { h } = await echoGateway(t);
  const c = await rawConnect(h.port);
  await c.send("GET /unsized HTTP/1.1\r\nHost: echo.localhost\r\n\r\n");
  const [unsized] = await c.answers(1);
  assert.equal(unsized!.headers["transfer-encoding"], "chunked");
  assert.equal(unsized!.body, "part one, part two");
  assert.match(unsized!.headers.date ?? "", /GMT$/);
  await c.send("HEAD /h HTTP/1.1\r\nHost: echo.localhost\r\n\r\n", "GET /after-head HTTP/1.1\r\nHost: echo.localhost\r\n\r\n");
  const answers = await c.answers(3, [false, true, false]);
  assert.equal(answers[1]!.body, "");
  assert.equal(answers[2]!.body, "GET /after-head body=");
  await c.send("GET /last HTTP/1.1\r\nHost: echo.localhost\r\nConnection: close\r\n\r\n");
  await c.waitClosed();
  assert.equal((await c.answers(4, [false, true]))[3]!.headers.connection, "close");
});

test("Expect: 100-continue is answered when a replica is ready for the body, and never for a refused request", bounded, async (t) => {
  const h = await startGateway();
  const up = await startUpstream((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => res.end(`got ${body}`));
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("cold"));
  h.gw.upsertApp(route("locked", { requiresAuth: true }));
  const head = (host: string) => `PUT / HTTP/1.1\r\nHost: ${host}\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n`;

  const c = await rawConnect(h.port);
  await c.send(head("cold.localhost"));
  await waitFor(() => queuedOf(h.gw, "cold") === 1, "the request to wait for a replica");
  assert.equal(c.text, "", "no 100 while no replica can take the body");
  h.gw.addEndpoint("cold", up.endpoint("cold-1"));
  await waitFor(() => c.text.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), "100 Continue");
  await c.send("data");
  assert.equal((await c.answers(1))[0]!.body, "got data");
  c.close();

  const refused = await rawConnect(h.port);
  await refused.send(head("locked.localhost"));
  const [answer] = await refused.answers(1);
  assert.equal(answer!.status, 401);
  assert.equal(answer!.headers.connection, "close", "the body held back is never read: the connection closes");
  assert.ok(!refused.text.includes("100 Continue"));
  await refused.waitClosed();
});

test("a body that never comes after 100 Continue: the request times out (504), then the connection idles out", bounded, async (t) => {
  const h = await startGateway({ keepAliveTimeoutMs: 3000 });
  const up = await startUpstream((req, res) => void req.on("data", () => {}).on("end", () => res.end("never")));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("wait", { requestTimeoutMs: 2000 }));
  h.gw.addEndpoint("wait", up.endpoint("w-1"));
  const c = await rawConnect(h.port);
  await c.send("PUT / HTTP/1.1\r\nHost: wait.localhost\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  await waitFor(() => c.text.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), "100 Continue");
  h.clock.advance(2000);
  assert.equal((await c.answers(1))[0]!.status, 504);
  h.clock.advance(2900);
  assert.equal(c.ended, false, "the rest of the body may still come");
  h.clock.advance(1000);
  await c.waitClosed();
});

test("close() ends a connection still reading the body of an answered request", bounded, async (t) => {
  const { h } = await echoGateway(t);
  h.gw.upsertApp(route("locked", { requiresAuth: true }));
  const c = await rawConnect(h.port);
  await c.send("POST / HTTP/1.1\r\nHost: locked.localhost\r\nContent-Length: 1000\r\n\r\npart of it");
  assert.equal((await c.answers(1))[0]!.status, 401);
  await h.gw.close();
  await c.waitClosed();
});

test("a refused request's body is read and dropped, and the connection serves the next request", bounded, async (t) => {
  const { h } = await echoGateway(t);
  h.gw.upsertApp(route("locked", { requiresAuth: true }));
  const c = await rawConnect(h.port);
  await c.send("POST / HTTP/1.1\r\nHost: locked.localhost\r\nContent-Length: 6\r\n\r\nsec", "ret" + get);
  const answers = await c.answers(2);
  assert.deepEqual(answers.map((a) => a.status), [401, 200]);
  assert.equal(answers[1]!.body, "GET /two body=");
  c.close();
});

test("a client that leaves mid-body aborts the app's request and is counted 499", bounded, async (t) => {
  const h = await startGateway();
  const arrived = deferred();
  const closed = deferred<boolean>();
  const up = await startUpstream((req) => {
    arrived.resolve();
    req.on("data", () => {});
    req.on("close", () => closed.resolve(req.complete));
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("up"));
  h.gw.addEndpoint("up", up.endpoint("up-1"));
  const c = await rawConnect(h.port);
  await c.send("POST / HTTP/1.1\r\nHost: up.localhost\r\nContent-Length: 100\r\n\r\nonly ten b");
  await arrived.promise;
  c.socket.end();
  assert.equal(await closed.promise, false, "the app saw its request cut short");
  await waitFor(() => inflightOf(h.gw, "up") === 0, "the request to be counted out");
  assert.deepEqual(h.gw.requestMetrics().apps[0]!.requests, { "499": 1 });
});

test("a head not complete within headersTimeoutMs, or an idle keep-alive past keepAliveTimeoutMs, is closed", bounded, async (t) => {
  const { h } = await echoGateway(t, { headersTimeoutMs: 1000, keepAliveTimeoutMs: 3000 });
  const inTime = await rawConnect(h.port);
  await inTime.send("GET /in-time HTTP/1.1\r\nHost: echo.loc");
  h.clock.advance(900);
  await inTime.send("alhost\r\n\r\n");
  assert.equal((await inTime.answers(1))[0]!.body, "GET /in-time body=", "a head completed before its deadline is served");
  inTime.close();

  const slow = await rawConnect(h.port);
  await slow.send("GET / HTTP/1.1\r\nHost: echo.loc");
  let advanced = 0;
  const step = (): boolean => {
    if (slow.ended) return true;
    h.clock.advance(100);
    advanced += 100;
    return false;
  };
  await waitFor(step, "the slow head to be cut off");
  await slow.waitClosed();
  assert.ok(advanced >= 1000, `closed after ${advanced} ms, not before headersTimeoutMs`);
  assert.equal(slow.text, "", "closed without an answer");

  const idle = await rawConnect(h.port);
  await idle.send(get);
  await idle.answers(1);
  h.clock.advance(2900);
  await idle.send(get);
  await idle.answers(2);
  h.clock.advance(2900);
  assert.equal(idle.ended, false, "each answer starts a new idle period");
  h.clock.advance(200);
  await idle.waitClosed();
});

test("close(): idle connections close at once; an answer in flight goes out with Connection: close", bounded, async (t) => {
  const h = await startGateway();
  const release = deferred();
  const up = await startUpstream((req, res) => void (req.url === "/hold" ? release.promise : Promise.resolve()).then(() => res.end("ok")));
  t.after(() => up.close());
  h.gw.upsertApp(route("c"));
  h.gw.addEndpoint("c", up.endpoint("c-1"));
  const idle = await rawConnect(h.port);
  const busy = await rawConnect(h.port);
  await idle.send("GET / HTTP/1.1\r\nHost: c.localhost\r\n\r\n");
  await idle.answers(1);
  await busy.send("GET /hold HTTP/1.1\r\nHost: c.localhost\r\n\r\n");
  await waitFor(() => inflightOf(h.gw, "c") === 1, "the held request in flight");
  const closing = h.gw.close();
  await idle.waitClosed();
  release.resolve();
  const [answer] = await busy.answers(1);
  assert.equal(answer!.headers.connection, "close");
  await busy.waitClosed();
  await closing;
});
