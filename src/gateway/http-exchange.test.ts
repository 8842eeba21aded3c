import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { request, type IncomingMessage } from "node:http";
import { bounded, deferred, errorOf, inflightOf, queuedOf, refusedPort, route, send, startGateway, startUpstream, waitFor } from "./test-servers.js";

test("a chunked upload reaches the replica chunk by chunk, before the client has finished sending", bounded, async (t) => {
  const h = await startGateway();
  const firstChunk = deferred<string>();
  let seenHeaders: IncomingMessage["headers"] = {};
  const up = await startUpstream((req, res) => {
    seenHeaders = req.headers;
    let body = "";
    req.on("data", (c: Buffer) => ((body += c), firstChunk.resolve(body)));
    req.on("end", () => res.end(`got ${body}`));
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("up"));
  h.gw.addEndpoint("up", up.endpoint("up-1"));

  const reply = deferred<string>();
  const req = request({ host: "127.0.0.1", port: h.port, method: "POST", headers: { host: "up.localhost", "transfer-encoding": "chunked" }, agent: false }, (res) => {
    let text = "";
    res.on("data", (c: Buffer) => (text += c));
    res.on("end", () => reply.resolve(text));
  });
  req.write("part-one;");
  assert.equal(await firstChunk.promise, "part-one;", "the first chunk arrives while the upload is still open");
  req.end("part-two");
  assert.equal(await reply.promise, "got part-one;part-two");
  assert.equal(seenHeaders["transfer-encoding"], "chunked");
  assert.equal(seenHeaders["content-length"], undefined);
});

test("server-sent events reach the client one by one, each before the next is written", bounded, async (t) => {
  const h = await startGateway();
  const acks = [deferred(), deferred(), deferred()];
  const up = await startUpstream(async (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (let i = 0; i < 3; i++) {
      res.write(`data: event ${i}\n\n`);
      await acks[i]!.promise;
    }
    res.end();
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("sse"));
  h.gw.addEndpoint("sse", up.endpoint("sse-1"));

  const received: string[] = [];
  const ended = deferred();
  const req = request({ host: "127.0.0.1", port: h.port, headers: { host: "sse.localhost" }, agent: false }, (res) => {
    assert.equal(res.headers["content-type"], "text/event-stream");
    let buffer = "";
    res.on("data", (c: Buffer) => {
      buffer += c;
      for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
        received.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 2);
        acks[received.length - 1]!.resolve();
      }
    });
    res.on("end", () => ended.resolve());
  });
  req.end();
  await ended.promise;
  assert.deepEqual(received, ["data: event 0", "data: event 1", "data: event 2"]);
});

test("large bodies stream both ways intact", bounded, async (t) => {
  const h = await startGateway();
  const size = 32 * 1024 * 1024;
  const block = Buffer.alloc(64 * 1024, 7);
  const up = await startUpstream((req, res) => {
    if (req.method === "POST") {
      const hash = createHash("sha256");
      let n = 0;
      req.on("data", (c: Buffer) => (hash.update(c), (n += c.length)));
      req.on("end", () => res.end(`${n} ${hash.digest("hex")}`));
      return;
    }
    res.writeHead(200, { "content-length": String(size) });
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += block.length;
        if (!res.write(block)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("big"));
  h.gw.addEndpoint("big", up.endpoint("big-1"));

  const download = await new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: h.port, headers: { host: "big.localhost" }, agent: false }, (res) => {
      let n = 0;
      res.on("data", (c: Buffer) => (n += c.length));
      res.on("end", () => resolve(n));
    });
    req.on("error", reject).end();
  });
  assert.equal(download, size);

  const upload = Buffer.alloc(8 * 1024 * 1024, 3);
  const reply = await send(h.port, { host: "big.localhost", method: "POST", body: upload });
  assert.equal(reply.body, `${upload.length} ${createHash("sha256").update(upload).digest("hex")}`);
});

test("hop-by-hop headers are removed both ways and X-Forwarded-* are set", bounded, async (t) => {
  const h = await startGateway();
  let raw: string[] = [];
  const up = await startUpstream((req, res) => {
    raw = req.rawHeaders;
    res.writeHead(200, ["Connection", "X-Resp-Hop", "X-Resp-Hop", "1", "Keep-Alive", "timeout=5", "Proxy-Authenticate", "Basic", "X-App", "kept"]);
    res.end("ok");
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("hdr"));
  h.gw.addEndpoint("hdr", up.endpoint("hdr-1"));
  const headers = [
    ...["Connection", "keep-alive, X-Hop", "X-Hop", "secret", "Keep-Alive", "timeout=9", "TE", "trailers"],
    ...["Proxy-Authorization", "Basic eA==", "Proxy-Connection", "keep-alive", "Upgrade", "h2c"],
    ...["X-Forwarded-For", "10.0.0.1", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example", "X-End", "e2e"],
  ];
  const reply = await send(h.port, { host: "hdr.localhost:8080", headers });
  const names = raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  for (const hop of ["x-hop", "keep-alive", "te", "proxy-authorization", "proxy-connection", "upgrade"]) assert.ok(!names.includes(hop), `${hop} was forwarded`);
  const value = (name: string) => raw[raw.findIndex((n, i) => i % 2 === 0 && n.toLowerCase() === name) + 1];
  assert.equal(value("x-end"), "e2e");
  assert.equal(value("host"), "hdr.localhost:8080");
  assert.equal(value("x-forwarded-for"), "10.0.0.1, 127.0.0.1");
  assert.equal(value("x-forwarded-proto"), "http");
  assert.equal(value("x-forwarded-host"), "hdr.localhost:8080");
  assert.equal(reply.headers["x-app"], "kept");
  for (const hop of ["x-resp-hop", "proxy-authenticate"]) assert.equal(reply.headers[hop], undefined, `${hop} came back`);
});

test("a refused connection is retried on another replica before any byte is sent", bounded, async (t) => {
  const h = await startGateway();
  let hits = 0;
  const live = await startUpstream((_req, res) => (hits++, res.end("live")));
  t.after(async () => (await h.close(), await live.close()));
  h.gw.upsertApp(route("r"));
  h.gw.addEndpoint("r", { id: "dead", host: "127.0.0.1", port: await refusedPort(), revision: 1 });
  h.gw.addEndpoint("r", live.endpoint("live"));
  for (let i = 0; i < 4; i++) {
    assert.equal((await send(h.port, { host: "r.localhost", method: "POST", body: `body ${i}` })).body, "live");
  }
  assert.equal(hits, 4);
});

test("a refused connection with no other replica waits in the queue for the next one", bounded, async (t) => {
  const h = await startGateway();
  const live = await startUpstream((req, res) => req.pipe(res));
  t.after(async () => (await h.close(), await live.close()));
  h.gw.upsertApp(route("r"));
  h.gw.addEndpoint("r", { id: "dead", host: "127.0.0.1", port: await refusedPort(), revision: 1 });
  const reply = send(h.port, { host: "r.localhost", method: "PUT", body: "kept for the retry" });
  await waitFor(() => queuedOf(h.gw, "r") === 1, "the refused request to wait");
  h.gw.removeEndpoint("r", "dead");
  h.gw.addEndpoint("r", live.endpoint("live"));
  assert.equal((await reply).body, "kept for the retry");
});

test("a request put back after a refused connect gets its next attempt when another request arrives", bounded, async (t) => {
  const h = await startGateway();
  const port = await refusedPort();
  h.gw.upsertApp(route("r"));
  h.gw.addEndpoint("r", { id: "late", host: "127.0.0.1", port, revision: 1 });
  const first = send(h.port, { host: "r.localhost", path: "/first" });
  await waitFor(() => queuedOf(h.gw, "r") === 1, "the refused request to wait");
  const late = await startUpstream((req, res) => res.end(`served ${req.url}`));
  t.after(async () => (await h.close(), await late.close()));
  await new Promise<void>((resolve) => late.server.close(() => resolve()));
  await new Promise<void>((resolve) => late.server.listen(port, "127.0.0.1", resolve));
  const second = send(h.port, { host: "r.localhost", path: "/second" });
  assert.deepEqual([(await first).body, (await second).body], ["served /first", "served /second"]);
  assert.deepEqual(h.wakes, []);
});

test("no retry once the request reached a replica: a replica that dies before answering gives 502", bounded, async (t) => {
  const h = await startGateway();
  let hits = 0;
  const dying = async () => startUpstream((req) => (hits++, req.socket.destroy()));
  const a = await dying();
  const b = await dying();
  t.after(async () => (await h.close(), await a.close(), await b.close()));
  h.gw.upsertApp(route("crash"));
  h.gw.addEndpoint("crash", a.endpoint("a"));
  h.gw.addEndpoint("crash", b.endpoint("b"));
  const reply = await send(h.port, { host: "crash.localhost" });
  assert.equal(reply.status, 502);
  assert.equal(errorOf(reply).code, "GATEWAY_UPSTREAM_FAILED");
  assert.equal(hits, 1);
});

test("a replica that dies mid-response aborts the client's response", bounded, async (t) => {
  const h = await startGateway();
  const up = await startUpstream((req, res) => {
    res.writeHead(200, { "content-length": "100" });
    res.write("partial", () => setImmediate(() => req.socket.destroy()));
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("mid"));
  h.gw.addEndpoint("mid", up.endpoint("mid-1"));
  const outcome = await new Promise<string>((resolve) => {
    const req = request({ host: "127.0.0.1", port: h.port, headers: { host: "mid.localhost" }, agent: false }, (res) => {
      assert.equal(res.statusCode, 200);
      res.on("data", () => {});
      res.on("end", () => resolve("complete"));
      res.on("error", () => resolve(res.complete ? "complete" : "aborted"));
      res.on("close", () => resolve(res.complete ? "complete" : "aborted"));
    });
    req.on("error", () => resolve("aborted"));
    req.end();
  });
  assert.equal(outcome, "aborted");
  await waitFor(() => inflightOf(h.gw, "mid") === 0, "the request to be counted out");
});

test("request timeout: 504 GATEWAY_REQUEST_TIMEOUT before the response starts; destroyed after", bounded, async (t) => {
  const h = await startGateway();
  const arrived = deferred<string>();
  const up = await startUpstream((req, res) => {
    arrived.resolve(req.url!);
    if (req.url === "/started") res.write("first bytes");
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("t", { requestTimeoutMs: 2000 }));
  h.gw.addEndpoint("t", up.endpoint("t-1"));
  const reply = send(h.port, { host: "t.localhost", path: "/silent" });
  await arrived.promise;
  h.clock.advance(2000);
  assert.equal((await reply).status, 504);
  assert.equal(errorOf(await reply).code, "GATEWAY_REQUEST_TIMEOUT");
  await waitFor(() => inflightOf(h.gw, "t") === 0, "the first request to be counted out");

  const started = deferred();
  const cut = new Promise<boolean>((resolve) => {
    const req = request({ host: "127.0.0.1", port: h.port, path: "/started", headers: { host: "t.localhost" }, agent: false }, (res) => {
      res.once("data", () => started.resolve());
      res.on("close", () => resolve(res.complete));
    });
    req.on("error", () => resolve(false));
    req.end();
  });
  await started.promise;
  h.clock.advance(2000);
  assert.equal(await cut, false);
});

test("an answer read through a slow client arrives intact: reused read buffers never overwrite bytes still queued", bounded, async (t) => {
  const h = await startGateway();
  // Small pieces, a few ms apart, so each read from the replica is small; the client does not
  // read at first, so the gateway's socket to it fills and small writes queue (under Node's
  // high-water mark, so the replica is not paused and the gateway keeps reading into its buffer).
  const pieces = Array.from({ length: 1000 }, () => randomBytes(15 * 1024));
  const data = Buffer.concat(pieces);
  const up = await startUpstream((_req, res) => {
    res.writeHead(200, { "content-length": String(data.length) });
    let i = 0;
    const next = (): void => {
      if (i === pieces.length) return void res.end();
      res.write(pieces[i++]);
      setTimeout(next, 1);
    };
    next();
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("slow-reader"));
  h.gw.addEndpoint("slow-reader", up.endpoint("slow-reader-1"));

  const got = await new Promise<Buffer>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: h.port, headers: { host: "slow-reader.localhost" }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.pause();
      setTimeout(() => res.resume(), 3000);
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks)));
    });
    req.on("error", reject).end();
  });
  assert.equal(got.length, data.length);
  assert.ok(got.equals(data), "the bytes the client got are the bytes the replica sent");
});

test("an answer without a length ends when the replica closes the connection, with every byte", bounded, async (t) => {
  const h = await startGateway();
  const body = randomBytes(300 * 1024);
  const replica = createTcpServer((socket) => {
    socket.once("data", () => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
      socket.end(body);
    });
  });
  await new Promise<void>((resolve) => replica.listen(0, "127.0.0.1", resolve));
  t.after(async () => (await h.close(), await new Promise((resolve) => replica.close(resolve))));
  h.gw.upsertApp(route("closer"));
  h.gw.addEndpoint("closer", { id: "closer-1", host: "127.0.0.1", port: (replica.address() as AddressInfo).port, revision: 1 });

  const got = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: h.port, headers: { host: "closer.localhost" }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject).end();
  });
  assert.equal(got.status, 200);
  assert.ok(got.body.equals(body));
});
