import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { startFakeApi, waitFor, type FakeApi } from "./fake-api.js";

let api: FakeApi;
before(async () => {
  api = await startFakeApi({ server: { bodyLimitBytes: 1024 }, metrics: () => "ebb_apps 2\n" });
});
after(() => api.close());

const post = (path: string, body: unknown, method = "POST") =>
  api.call(path, { method, headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string; details: Record<string, unknown> }> {
  const body = (await res.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
  return { status: res.status, ...body.error };
}

/** A request through node:http, so the body can be sent chunked without a Content-Length. */
function chunkedPost(path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(api.url + path, { method: "POST", headers: { authorization: `Bearer ${api.token}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => done({ status: res.statusCode!, body }));
    });
    req.on("error", fail);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test("healthz needs no token", async () => {
  const res = await fetch(`${api.url}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
});

test("API calls and /metrics without the right bearer token are 401 API_UNAUTHORIZED", async () => {
  const variants: Array<Record<string, string>> = [{}, { authorization: "Bearer wrong" }, { authorization: `Basic ${api.token}` }, { authorization: "Bearer" }];
  for (const headers of variants) {
    for (const path of ["/api/v1/apps", "/metrics"]) {
      const err = await errorOf(await fetch(api.url + path, { headers }));
      assert.equal(err.status, 401, `${path} with ${JSON.stringify(headers)}`);
      assert.equal(err.code, "API_UNAUTHORIZED");
    }
  }
  const ok = await fetch(`${api.url}/api/v1/apps`, { headers: { authorization: `bearer   ${api.token}` } });
  assert.equal(ok.status, 200);
});

test("deploy creates (201), repeats unchanged (200), and lists and gets the app", async () => {
  const first = await post("/api/v1/apps", { apps: [{ name: "hello", command: ["node", "s.js"] }], defaultWorkdir: "/srv/hello" });
  assert.equal(first.status, 201);
  assert.deepEqual(await first.json(), {
    results: [{ name: "hello", revision: 1, outcome: "created", url: "http://hello.localhost:8080" }],
  });
  const again = await post("/api/v1/apps", { apps: [{ name: "hello", command: ["node", "s.js"] }], defaultWorkdir: "/srv/hello" });
  assert.equal(again.status, 200);
  assert.equal(((await again.json()) as { results: Array<{ outcome: string }> }).results[0]!.outcome, "unchanged");

  const list = (await (await api.call("/api/v1/apps")).json()) as { apps: Array<{ name: string; spec: { workdir: string } }> };
  assert.deepEqual(list.apps.map((a) => [a.name, a.spec.workdir]), [["hello", "/srv/hello"]]);
  const one = (await (await api.call("/api/v1/apps/hello")).json()) as { name: string; revision: number };
  assert.deepEqual([one.name, one.revision], ["hello", 1]);
});

test("an invalid spec is 422 APP_SPEC_INVALID with every problem", async () => {
  const err = await errorOf(await post("/api/v1/apps", { apps: [{ name: "a" }, { command: [] }] }));
  assert.equal(err.status, 422);
  assert.equal(err.code, "APP_SPEC_INVALID");
  const problems = err.details.problems as Array<{ path: string }>;
  assert.deepEqual(problems.map((p) => p.path), ["[0].command", "[1].name"]);
});

test("malformed bodies are 400 API_BAD_REQUEST naming the problem", async () => {
  const cases: Array<[unknown, RegExp]> = [
    ['{"apps": [', /not valid JSON/],
    [[1, 2], /JSON object/],
    [{ apps: "hello" }, /'apps' must be an array/],
    [{ apps: [], extra: 1 }, /unknown field 'extra'/],
    [{ apps: [], defaultWorkdir: 7 }, /defaultWorkdir/],
  ];
  for (const [body, message] of cases) {
    const err = await errorOf(await post("/api/v1/apps", body));
    assert.equal(err.status, 400, JSON.stringify(body));
    assert.equal(err.code, "API_BAD_REQUEST");
    assert.match(err.message, message);
  }
});

test("bodies over the limit are 413, whether declared or streamed", async () => {
  const big = JSON.stringify({ apps: [{ name: "x".repeat(2000), command: ["a"] }] });
  const declared = await errorOf(await post("/api/v1/apps", big));
  assert.equal(declared.status, 413);
  assert.equal(declared.code, "API_BODY_TOO_LARGE");
  const streamed = await chunkedPost("/api/v1/apps", ['{"apps":[', `"${"y".repeat(700)}",`, `"${"z".repeat(700)}"]}`]);
  assert.equal(streamed.status, 413);
  assert.equal(JSON.parse(streamed.body).error.code, "API_BODY_TOO_LARGE");
  const small = await chunkedPost("/api/v1/apps", ['{"apps":', "[]}"]);
  assert.equal(small.status, 200);
});

test("stop, start, scaling, delete", async () => {
  await post("/api/v1/apps", { apps: [{ name: "svc", command: ["x"] }] });
  const stopped = (await (await post("/api/v1/apps/svc/stop", undefined)).json()) as { desiredState: string };
  assert.equal(stopped.desiredState, "STOPPED");
  const started = (await (await post("/api/v1/apps/svc/start", undefined)).json()) as { desiredState: string };
  assert.equal(started.desiredState, "ACTIVE");

  const patched = await post("/api/v1/apps/svc/scaling", { replicas: [1, 4], scaledownAfter: 60 }, "PATCH");
  assert.equal(patched.status, 200);
  assert.deepEqual(await patched.json(), { name: "svc", revision: 1, outcome: "reconfigured", url: "http://svc.localhost:8080" });
  assert.deepEqual(api.control.getApp("svc").spec.scaling.replicas, [1, 4]);
  const bad = await errorOf(await post("/api/v1/apps/svc/scaling", { replicas: [1] }, "PATCH"));
  assert.deepEqual([bad.status, bad.code], [400, "API_BAD_REQUEST"]);

  const del = await api.call("/api/v1/apps/svc", { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.equal(await del.text(), "");
  const gone = await errorOf(await api.call("/api/v1/apps/svc"));
  assert.deepEqual([gone.status, gone.code], [404, "APP_NOT_FOUND"]);
  const stopGone = await errorOf(await post("/api/v1/apps/svc/stop", undefined));
  assert.deepEqual([stopGone.status, stopGone.code], [404, "APP_NOT_FOUND"]);
});

test("events filter by app, after and limit; bad parameters are 400", async () => {
  await post("/api/v1/apps", { apps: [{ name: "ev", command: ["x"] }] });
  api.control.emit({ app: "ev", type: "ScaledUp", revision: 1, message: "ScaledUp 0->1", data: { rule: "wake" } });
  api.control.emit({ app: "ev", type: "ReplicaReady", revision: 1, message: "ReplicaReady ev-r1-1", data: {} });
  const all = (await (await api.call("/api/v1/events?app=ev")).json()) as { events: Array<{ id: number; type: string }> };
  assert.deepEqual(all.events.map((e) => e.type), ["Deployed", "ScaledUp", "ReplicaReady"]);
  const afterFirst = (await (await api.call(`/api/v1/events?app=ev&after=${all.events[0]!.id}&limit=1`)).json()) as {
    events: Array<{ type: string }>;
  };
  assert.deepEqual(afterFirst.events.map((e) => e.type), ["ReplicaReady"]);
  for (const q of ["limit=0", "limit=abc", "after=-1", "limit=1.5"]) {
    const err = await errorOf(await api.call(`/api/v1/events?${q}`));
    assert.deepEqual([err.status, err.code], [400, "API_BAD_REQUEST"], q);
  }
});

test("logs return the app's lines with events interleaved, filtered by replica", async () => {
  await post("/api/v1/apps", { apps: [{ name: "lg", command: ["x"] }] });
  api.control.pushLog({ app: "lg", replica: "lg-r1-1", stream: "stdout", text: "listening" });
  api.control.pushLog({ app: "lg", replica: "lg-r1-2", stream: "stderr", text: "other" });
  const res = (await (await api.call("/api/v1/apps/lg/logs?replica=lg-r1-1&limit=10")).json()) as {
    entries: Array<{ kind: string; text?: string; type?: string }>;
  };
  assert.deepEqual(res.entries.map((e) => e.text ?? e.type), ["Deployed", "listening"]);
  const missing = await errorOf(await api.call("/api/v1/apps/nope/logs"));
  assert.equal(missing.code, "APP_NOT_FOUND");
});

test("metrics are Prometheus text; unknown routes are 404 API_NOT_FOUND", async () => {
  const res = await api.call("/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  assert.equal(await res.text(), "ebb_apps 2\n");
  const nope = await errorOf(await api.call("/api/v2/whatever"));
  assert.deepEqual([nope.status, nope.code], [404, "API_NOT_FOUND"]);
  const method = await errorOf(await api.call("/api/v1/events", { method: "PUT" }));
  assert.deepEqual([method.status, method.code], [404, "API_NOT_FOUND"]);
  assert.match(method.message, /GET only/);
  const outside = await errorOf(await fetch(`${api.url}/index.html`));
  assert.deepEqual([outside.status, outside.code], [404, "API_NOT_FOUND"]);
});

test("a bug in a handler is a generic 500 and the server keeps serving", async () => {
  const original = api.control.listApps;
  api.control.listApps = () => {
    throw new RangeError("boom in internals");
  };
  try {
    const err = await errorOf(await api.call("/api/v1/apps"));
    assert.deepEqual([err.status, err.code], [500, "INTERNAL_ERROR"]);
    assert.doesNotMatch(err.message, /boom/);
  } finally {
    api.control.listApps = original;
  }
  assert.equal((await api.call("/api/v1/apps")).status, 200);
});

test("without a metrics source /metrics is 404", async () => {
  const bare = await startFakeApi();
  try {
    const err = await errorOf(await bare.call("/metrics"));
    assert.deepEqual([err.status, err.code], [404, "API_NOT_FOUND"]);
  } finally {
    await bare.close();
  }
});

test("close() lets a call in flight finish, refuses new connections, and is idempotent", async () => {
  const api2 = await startFakeApi();
  await api2.control.deploy([{ name: "slow", command: ["x"] }]);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stop = api2.control.stop.bind(api2.control);
  let reached = false;
  api2.control.stop = async (name) => {
    reached = true;
    await gate;
    return stop(name);
  };
  const inFlight = api2.call("/api/v1/apps/slow/stop", { method: "POST" });
  await waitFor("call in flight", () => reached);
  let closed = false;
  const closing = api2.close().then(() => (closed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(closed, false);
  release();
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("connection"), "close");
  await closing;
  assert.equal(closed, true);
  await api2.close();
  await assert.rejects(fetch(`${api2.url}/healthz`));
  api2.server.destroy();
});

test("destroy() drops open connections at once", async () => {
  const api2 = await startFakeApi();
  const res = await api2.call("/api/v1/events/stream");
  const reader = res.body!.getReader();
  await waitFor("subscription", () => api2.control.eventSubscribers === 1);
  api2.server.destroy(new Error("test abort"));
  await assert.rejects(async () => {
    for (;;) if ((await reader.read()).done) break;
  });
  assert.equal(api2.control.eventSubscribers, 0);
  api2.server.destroy();
});
