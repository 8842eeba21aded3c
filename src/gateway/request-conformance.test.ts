/**
 * Conformance of the gateway's client side with RFC 9112, over raw sockets: requests it must
 * refuse (and close on), and that a refused request never reaches the app.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { rawConnect } from "./test-raw-client.js";
import { bounded, route, startEchoGateway, startGateway, startUpstream, waitFor, type Harness } from "./test-servers.js";

function echoGateway(t: { after(fn: () => Promise<void>): void }, config = {}): Promise<{ h: Harness; seen: string[] }> {
  return startEchoGateway(
    t,
    (req, body) => `${req.method} ${req.url} ${body}`,
    (req, res, body) => res.end(`${req.method} ${req.url} host=${req.headers.host} body=${body}`),
    config,
  );
}

/** Sends `wire` on a new connection; returns the one answer, after the gateway closed the connection. */
async function refusedWith(port: number, wire: string): Promise<{ status: number; code: string; connection: string | undefined }> {
  const c = await rawConnect(port);
  await c.send(wire);
  const [answer] = await c.answers(1);
  await c.waitClosed();
  const code = (JSON.parse(answer!.body) as { error: { code: string } }).error.code;
  return { status: answer!.status, code, connection: answer!.headers.connection };
}

test("malformed request lines, fields and framing are answered 400 and the connection is closed", bounded, async (t) => {
  const { h, seen } = await echoGateway(t);
  const host = "Host: echo.localhost\r\n";
  const bad = [
    `GET  / HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1 extra\r\n${host}\r\n`,
    `G{T / HTTP/1.1\r\n${host}\r\n`,
    `GET /a b HTTP/1.1\r\n${host}\r\n`,
    `GET / HTTP/1.1\r\n${host}Bad Name: x\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}X-A : 1\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}X-A: 1\r\n folded\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}X-A: a\x00b\r\n\r\n`,
    `GET / HTTP/1.1\nHost: echo.localhost\n\n`,
    `GET / HTTP/1.1\r\nAccept: */*\r\n\r\n`,
    `GET / HTTP/1.1\r\n${host}${host}\r\n`,
    `POST / HTTP/1.1\r\n${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    `POST / HTTP/1.1\r\n${host}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`,
    `POST / HTTP/1.1\r\n${host}Content-Length: 1,1\r\n\r\na`,
    `POST / HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`,
    `POST / HTTP/1.1\r\n${host}Transfer-Encoding: chunked, gzip\r\n\r\n`,
  ];
  for (const wire of bad) {
    const r = await refusedWith(h.port, wire);
    assert.deepEqual(r, { status: 400, code: "GATEWAY_BAD_REQUEST", connection: "close" }, JSON.stringify(wire));
  }
  assert.deepEqual(seen, [], "no refused request reached the app");
});

test("a request smuggled behind Content-Length + Transfer-Encoding never reaches the app", bounded, async (t) => {
  const { h, seen } = await echoGateway(t);
  const c = await rawConnect(h.port);
  const smuggled = "GET /smuggled HTTP/1.1\r\nHost: echo.localhost\r\n\r\n";
  await c.send(`POST / HTTP/1.1\r\nHost: echo.localhost\r\nContent-Length: ${4 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`);
  const answers = await c.answers(1);
  await c.waitClosed();
  assert.equal(answers.length, 1);
  assert.equal(answers[0]!.status, 400);
  assert.deepEqual(seen, []);
});

test("unknown transfer codings are 501, other HTTP versions 505, CONNECT 501", bounded, async (t) => {
  const { h, seen } = await echoGateway(t);
  const chunkedGzip = await refusedWith(h.port, "POST / HTTP/1.1\r\nHost: echo.localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  assert.deepEqual(chunkedGzip, { status: 501, code: "GATEWAY_NOT_IMPLEMENTED", connection: "close" });
  assert.equal((await refusedWith(h.port, "GET / HTTP/2.0\r\nHost: echo.localhost\r\n\r\n")).status, 505);
  assert.equal((await refusedWith(h.port, "CONNECT echo.localhost:443 HTTP/1.1\r\nHost: echo.localhost:443\r\n\r\n")).status, 501);
  assert.deepEqual(seen, []);
});

test("bad chunk sizes in a body already on its way are 400, and the app's request is aborted", bounded, async (t) => {
  const h = await startGateway();
  let aborted = 0;
  let started = 0;
  const up = await startUpstream((req, res) => {
    started++;
    req.on("data", () => {});
    req.on("close", () => (req.complete ? res.end("complete") : aborted++));
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("chunks"));
  h.gw.addEndpoint("chunks", up.endpoint("c-1"));
  const sizes = ["zz", "-1", "1 1", "fffffffffffffffff"];
  for (const size of sizes) {
    const c = await rawConnect(h.port);
    await c.send("POST / HTTP/1.1\r\nHost: chunks.localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
    await waitFor(() => started === sizes.indexOf(size) + 1, "the request to reach the app");
    await c.send(`${size}\r\n`);
    const [answer] = await c.answers(1);
    assert.equal(answer!.status, 400, size);
    await c.waitClosed();
  }
  await waitFor(() => aborted === sizes.length, "every app request to be aborted");
});

test("an oversized head is 431: past maxHeaderBytes, or more fields than maxHeaderCount", bounded, async (t) => {
  const { h, seen } = await echoGateway(t, { maxHeaderBytes: 4096, maxHeaderCount: 20 });
  const head = (extra: string) => `GET /big HTTP/1.1\r\nHost: echo.localhost\r\n${extra}\r\n`;
  const fits = `X-Fill: ${"a".repeat(4096 - head("X-Fill: \r\n").length + 4)}\r\n`;
  const ok = await rawConnect(h.port);
  await ok.send(head(fits));
  assert.equal((await ok.answers(1))[0]!.status, 200, "a head of exactly the limit is served");
  ok.close();
  const tooBig = await refusedWith(h.port, head(`X-Fill: ${"a".repeat(4096)}\r\n`));
  assert.deepEqual(tooBig, { status: 431, code: "GATEWAY_REQUEST_HEAD_TOO_LARGE", connection: "close" });
  // Without its end in sight: refused as soon as the limit is passed.
  const endless = await rawConnect(h.port);
  await endless.send(`GET / HTTP/1.1\r\nX-Fill: ${"a".repeat(5000)}`);
  assert.equal((await endless.answers(1))[0]!.status, 431);
  await endless.waitClosed();
  const fields = Array.from({ length: 20 }, (_, i) => `X-${i}: v\r\n`).join("");
  assert.equal((await refusedWith(h.port, head(fields))).status, 431);
  assert.deepEqual(seen, ["GET /big "]);
});

test("Host: missing on HTTP/1.1 is 400; HTTP/1.0 without Host matches no app (404)", bounded, async (t) => {
  const { h } = await echoGateway(t);
  assert.deepEqual(await refusedWith(h.port, "GET / HTTP/1.1\r\n\r\n"), { status: 400, code: "GATEWAY_BAD_REQUEST", connection: "close" });
  const old = await rawConnect(h.port);
  await old.send("GET / HTTP/1.0\r\n\r\n");
  const [answer] = await old.answers(1);
  assert.equal(answer!.status, 404);
  assert.equal(JSON.parse(answer!.body).error.code, "GATEWAY_UNKNOWN_HOST");
  await old.waitClosed();
});

test("the gateway's own answer to HEAD has no body, and the connection goes on", bounded, async (t) => {
  const { h } = await echoGateway(t);
  const c = await rawConnect(h.port);
  await c.send("HEAD / HTTP/1.1\r\nHost: nope.localhost\r\n\r\nGET /next HTTP/1.1\r\nHost: echo.localhost\r\n\r\n");
  const [head, next] = await c.answers(2, [true]);
  assert.equal(head!.status, 404);
  assert.ok(Number(head!.headers["content-length"]) > 0, "the length a GET would have had");
  assert.equal(next!.body, "GET /next host=echo.localhost body=");
  c.close();
});

test("an absolute-form target routes by its authority, which the app sees as Host", bounded, async (t) => {
  const { h, seen } = await echoGateway(t);
  const c = await rawConnect(h.port);
  await c.send("GET http://echo.localhost:8080/x?y=1 HTTP/1.1\r\nHost: elsewhere.localhost\r\n\r\n");
  const [answer] = await c.answers(1);
  assert.equal(answer!.body, "GET /x?y=1 host=echo.localhost:8080 body=");
  assert.deepEqual(seen, ["GET /x?y=1 "]);
  c.close();
});

test("empty lines before a request line are ignored (RFC 9112 §2.2)", bounded, async (t) => {
  const { h } = await echoGateway(t);
  const c = await rawConnect(h.port);
  await c.send("\r\n\r\nGET /after-blank HTTP/1.1\r\nHost: echo.localhost\r\n\r\n");
  assert.equal((await c.answers(1))[0]!.body, "GET /after-blank host=echo.localhost body=");
  c.close();
});
