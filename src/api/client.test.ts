import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { builtinModules } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { createClient, isEbbError, type EbbClient, type EbbEvent, type LogEntry } from "./client.js";
import { startFakeApi, waitFor, type FakeApi } from "./fake-api.js";

let api: FakeApi;
let client: EbbClient;
before(async () => {
  api = await startFakeApi({ metrics: () => "ebb_up 1\n" });
  client = createClient({ baseUrl: `${api.url}/`, token: api.token });
});
after(() => api.close());

test("the calls mirror the control API", async () => {
  const [created] = await client.deploy([{ name: "web", command: ["node", "s.js"] }], { defaultWorkdir: "/srv" });
  assert.deepEqual(created, { name: "web", revision: 1, outcome: "created", url: "http://web.localhost:8080" });
  assert.deepEqual((await client.listApps()).map((a) => a.name), ["web"]);
  assert.equal((await client.getApp("web")).spec.workdir, "/srv");
  assert.equal((await client.stop("web")).desiredState, "STOPPED");
  assert.equal((await client.start("web")).desiredState, "ACTIVE");
  const updated = await client.updateScaling("web", { replicas: [0, 5] });
  assert.deepEqual([updated.outcome, updated.revision], ["reconfigured", 1]);
  const events = await client.events({ app: "web", limit: 2 });
  assert.deepEqual(events.map((e) => e.type), ["Started", "Deployed"]);
  assert.deepEqual((await client.events({ app: "web", afterId: events[1]!.id })).length, 0);
  api.control.pushLog({ app: "web", replica: "web-r2-1", stream: "stdout", text: "up" });
  const logs = await client.logs("web", { limit: 1 });
  assert.deepEqual(logs.map((l) => (l.kind === "log" ? l.text : l.type)), ["up"]);
  assert.equal(await client.metrics(), "ebb_up 1\n");
  await client.delete("web");
  assert.deepEqual(await client.listApps(), []);
});

test("server errors come back as EbbErrors with the server's code and details", async () => {
  await assert.rejects(client.getApp("nope"), (err) => isEbbError(err, "APP_NOT_FOUND") && /nope/.test(err.message));
  await assert.rejects(client.deploy([{ name: "bad" }]), (err) => {
    assert.ok(isEbbError(err, "APP_SPEC_INVALID"));
    assert.deepEqual((err.details.problems as Array<{ path: string }>).map((p) => p.path), ["[0].command"]);
    return true;
  });
  const wrong = createClient({ baseUrl: api.url, token: "wrong" });
  await assert.rejects(wrong.listApps(), (err) => isEbbError(err, "API_UNAUTHORIZED"));
});

test("an answer that is not an ebb error body still becomes an EbbError", async () => {
  const proxy = createClient({
    baseUrl: "http://ebb.example",
    token: "t",
    fetch: async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
  });
  await assert.rejects(proxy.listApps(), (err) => isEbbError(err, "INTERNAL_ERROR") && /502 Bad Gateway/.test(err.message));
});

test("a server that is not there is SERVER_UNREACHABLE with a hint", async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const gone = createClient({ baseUrl: `http://127.0.0.1:${port}`, token: "t" });
  await assert.rejects(gone.listApps(), (err) => {
    assert.ok(isEbbError(err, "SERVER_UNREACHABLE"));
    assert.equal(err.message, `cannot reach ebb at http://127.0.0.1:${port}: is \`ebb serve\` running? (ECONNREFUSED)`);
    return true;
  });
});

test("streamEvents replays after an id, then follows; leaving the loop unsubscribes", async () => {
  const first = api.control.emit({ app: "s", type: "Deployed", revision: 1, message: "one", data: {} });
  api.control.emit({ app: "s", type: "ReplicaStarted", revision: 1, message: "two", data: {} });
  const seen: EbbEvent[] = [];
  for await (const e of client.streamEvents({ app: "s", after: first.id })) {
    seen.push(e);
    if (seen.length === 1) {
      await waitFor("subscription", () => api.control.eventSubscribers === 1);
      api.control.emit({ app: "other", type: "Deployed", revision: 1, message: "not mine", data: {} });
      api.control.emit({ app: "s", type: "ReplicaReady", revision: 1, message: "three", data: {} });
    }
    if (seen.length === 2) break;
  }
  assert.deepEqual(seen.map((e) => e.message), ["two", "three"]);
  await waitFor("unsubscribe", () => api.control.eventSubscribers === 0);
});

test("streamLogs follows one app; an abort ends the iteration quietly", async () => {
  await client.deploy([{ name: "lg", command: ["x"] }]);
  const ac = new AbortController();
  const seen: LogEntry[] = [];
  const done = (async () => {
    for await (const entry of client.streamLogs("lg", { replica: "lg-1" }, ac.signal)) {
      seen.push(entry);
      ac.abort();
    }
  })();
  await waitFor("subscription", () => api.control.logSubscribers === 1);
  api.control.pushLog({ app: "lg", replica: "lg-2", stream: "stdout", text: "skipped" });
  api.control.pushLog({ app: "lg", replica: "lg-1", stream: "stderr", text: "kept" });
  await done;
  assert.deepEqual(seen.map((e) => e.kind === "log" && e.text), ["kept"]);
  await waitFor("unsubscribe", () => api.control.logSubscribers === 0);
  await assert.rejects(
    (async () => {
      for await (const _ of client.streamLogs("missing")) break;
    })(),
    (err) => isEbbError(err, "APP_NOT_FOUND"),
  );
});

test("the client and what it imports use no Node built-ins (it runs in browsers)", () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const ext = extname(fileURLToPath(import.meta.url));
  const builtins = new Set(builtinModules);
  const files = [join(here, `client${ext}`), join(here, `sse-reader${ext}`), join(here, "..", "kit", `errors${ext}`)];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);
    const node = specs.filter((s) => s.startsWith("node:") || builtins.has(s));
    assert.deepEqual(node, [], file);
    assert.doesNotMatch(text, /\bprocess\.|\bBuffer\b|\brequire\(/, file);
  }
});
