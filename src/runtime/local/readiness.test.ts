import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { systemClock } from "../../kit/clock.js";
import { freePort } from "./ports.js";
import { probeHosts, probeIntervalMs, probeOnce, startReadinessProbe } from "./readiness.js";
import { waitUntil } from "./test-apps.js";

const host = "127.0.0.1";

function listen<T extends Server | HttpServer>(server: T, port = 0): Promise<number> {
  return new Promise((resolve) => server.listen(port, host, () => resolve((server.address() as { port: number }).port)));
}

test("the poll is fast at first, then slower: 2 ms, 10 ms after 2 s, 50 ms after 30 s", () => {
  assert.deepEqual([0, 1_999, 2_000, 29_999, 30_000, 600_000].map(probeIntervalMs), [2, 2, 10, 10, 50, 50]);
});

test("TCP probe: refused with nothing listening, ready once something accepts", async () => {
  const port = await freePort(host);
  assert.equal(await probeOnce({ host, port, path: null, timeoutMs: 500 }), "refused");
  const server = createServer((s) => s.destroy());
  await listen(server, port);
  try {
    assert.equal(await probeOnce({ host, port, path: null, timeoutMs: 500 }), "ready");
  } finally {
    server.close();
  }
});

test("HTTP probe: 2xx and 3xx are ready, other answers only listening", async () => {
  let status = 503;
  const paths: string[] = [];
  const server = createHttpServer((req, res) => {
    paths.push(req.url!);
    res.statusCode = status;
    res.end();
  });
  const port = await listen(server);
  try {
    const target = { host, port, path: "/healthz", timeoutMs: 500 };
    assert.equal(await probeOnce(target), "listening");
    status = 302;
    assert.equal(await probeOnce(target), "ready");
    status = 204;
    assert.equal(await probeOnce(target), "ready");
    assert.deepEqual(paths, ["/healthz", "/healthz", "/healthz"]);
  } finally {
    server.close();
  }
});

test("HTTP probe: an app that accepts but never answers is listening after the try's timeout", async () => {
  const server = createServer(() => {});
  const port = await listen(server);
  try {
    assert.equal(await probeOnce({ host, port, path: "/", timeoutMs: 50 }), "listening");
  } finally {
    server.close();
  }
});

test("the probe reports listening, then ready, then stops", async () => {
  let answers = 0;
  const server = createHttpServer((_req, res) => {
    res.statusCode = ++answers >= 3 ? 200 : 500;
    res.end();
  });
  const port = await listen(server);
  const seen: string[] = [];
  startReadinessProbe({
    clock: systemClock, host, port, path: "/ready", timeoutMs: 500,
    onListening: () => seen.push("listening"),
    onReady: () => seen.push("ready"),
  });
  try {
    await waitUntil("ready", () => seen.includes("ready"));
    assert.deepEqual(seen, ["listening", "ready"]);
    await settle();
    assert.equal(answers, 3, "no tries after ready");
  } finally {
    server.close();
  }
});

test("a cancelled probe makes no more tries, even once the port opens", async () => {
  let accepted = 0;
  const server = createServer((s) => {
    accepted++;
    s.destroy();
  });
  const port = await freePort(host);
  let reported = false;
  const probe = startReadinessProbe({ clock: systemClock, host, port, path: null, timeoutMs: 500, onListening() {}, onReady: () => (reported = true) });
  probe.cancel();
  await settle();
  await listen(server, port);
  try {
    await settle();
    assert.equal(accepted, 0);
    assert.equal(reported, false);
  } finally {
    server.close();
  }
});

/** Twenty 5 ms pauses: a live probe (every 2 ms) would show within them. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
}

test("an app bound to the IPv6 loopback only is found there when ebb listens on 127.0.0.1", async (t) => {
  const server = createHttpServer((_req, res) => res.end("ok"));
  const bound = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(0, "::1", () => resolve(true));
  });
  if (!bound) {
    // A host without IPv6 cannot have an app bound to ::1 only, so there is nothing to find.
    assert.deepEqual(probeHosts("127.0.0.1"), ["127.0.0.1", "::1"]);
    return;
  }
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const found = await new Promise<string>((resolve) => {
    const probe = startReadinessProbe({
      clock: systemClock, host: "127.0.0.1", port, path: "/", timeoutMs: 500,
      onListening() {},
      onReady: (_at, host) => {
        probe.cancel();
        resolve(host);
      },
    });
  });
  assert.equal(found, "::1");
  assert.deepEqual(probeHosts("10.0.0.5"), ["10.0.0.5"], "other addresses are probed as given");
});
