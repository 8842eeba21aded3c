import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { request, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { bounded, inflightOf, queuedOf, route, startGateway, startUpstream, token, waitFor, type UpgradeListener } from "./test-servers.js";

const wsGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** A minimal upgrade server: completes the WebSocket handshake (RFC 6455 §4.2.2) and echoes raw bytes. */
const echoUpgrade = (seen: IncomingMessage[]): UpgradeListener => (req, socket, head) => {
  seen.push(req);
  const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}${wsGuid}`).digest("base64");
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  if (head.length > 0) socket.write(head);
  socket.pipe(socket);
};

interface Opened {
  res: IncomingMessage;
  socket: Duplex;
  key: string;
}

function openUpgrade(port: number, host: string, extra: Record<string, string> = {}): Promise<Opened | IncomingMessage> {
  const key = randomBytes(16).toString("base64");
  const headers = { host, connection: "Upgrade", upgrade: "websocket", "sec-websocket-key": key, "sec-websocket-version": "13", ...extra };
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, headers, agent: false });
    req.on("upgrade", (res, socket) => resolve({ res, socket, key }));
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => resolve(Object.assign(res, { body })));
    });
    req.on("error", reject);
    req.end();
  });
}

function echo(socket: Duplex, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const onData = (c: Buffer): void => {
      got += c;
      if (got.length >= text.length) {
        socket.off("data", onData);
        resolve(got);
      }
    };
    socket.on("data", onData);
    socket.write(text);
  });
}

test("a WebSocket upgrade is forwarded, answered 101, and the two sockets are piped", bounded, async (t) => {
  const h = await startGateway();
  const seen: IncomingMessage[] = [];
  const up = await startUpstream((_req, res) => res.end(), echoUpgrade(seen));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("ws", { requiresAuth: true }));
  h.gw.addEndpoint("ws", up.endpoint("ws-1"));

  const opened = (await openUpgrade(h.port, "ws.localhost", { authorization: `Bearer ${token}` })) as Opened;
  assert.equal(opened.res.statusCode, 101);
  assert.equal(opened.res.headers["sec-websocket-accept"], createHash("sha1").update(opened.key + wsGuid).digest("base64"));
  assert.equal(opened.res.headers.upgrade, "websocket");
  assert.equal(seen[0]!.headers.upgrade, "websocket");
  assert.equal(seen[0]!.headers.authorization, undefined);
  assert.equal(seen[0]!.headers["x-forwarded-host"], "ws.localhost");
  assert.equal(await echo(opened.socket, "hello through the tunnel"), "hello through the tunnel");
  assert.equal(await echo(opened.socket, "and again"), "and again");
  assert.equal(inflightOf(h.gw, "ws"), 1, "an open tunnel counts as a request in flight");

  // The request timeout stops at the 101: a long-lived tunnel outlives it.
  h.clock.advance(60_000);
  assert.equal(await echo(opened.socket, "still open"), "still open");
  opened.socket.end();
  await waitFor(() => inflightOf(h.gw, "ws") === 0, "the tunnel to be counted out");
  assert.deepEqual(h.gw.requestMetrics().apps[0]!.requests, { "101": 1 });
});

test("an upgrade at zero waits for a replica like any request", bounded, async (t) => {
  const h = await startGateway();
  const up = await startUpstream((_req, res) => res.end(), echoUpgrade([]));
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("wscold"));
  const opening = openUpgrade(h.port, "wscold.localhost");
  await waitFor(() => queuedOf(h.gw, "wscold") === 1, "the upgrade to queue");
  assert.deepEqual(h.wakes, ["wscold"]);
  h.gw.addEndpoint("wscold", up.endpoint("c-1"));
  const opened = (await opening) as Opened;
  assert.equal(await echo(opened.socket, "woke"), "woke");
  assert.equal(h.served[0]?.endpointId, "c-1");
  opened.socket.destroy();
});

test("upgrades are refused like requests (401 without the token) and a declined upgrade is relayed", bounded, async (t) => {
  const h = await startGateway();
  const up = await startUpstream((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" });
    res.end("no upgrades here");
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("locked", { requiresAuth: true }));
  h.gw.upsertApp(route("plain"));
  h.gw.addEndpoint("plain", up.endpoint("p-1"));

  const refused = (await openUpgrade(h.port, "locked.localhost")) as IncomingMessage & { body: string };
  assert.equal(refused.statusCode, 401);
  assert.equal(JSON.parse(refused.body).error.code, "GATEWAY_AUTH_REQUIRED");

  const declined = (await openUpgrade(h.port, "plain.localhost")) as IncomingMessage & { body: string };
  assert.equal(declined.statusCode, 426);
  assert.equal(declined.body, "no upgrades here");
  await waitFor(() => inflightOf(h.gw, "plain") === 0, "the declined upgrade to be counted out");
});
