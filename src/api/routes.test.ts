import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import type { Overview, OverviewDelta } from "../control/types.js";
import type { MetricSample } from "../store/types.js";
import { applyOverviewDelta, createClient, type EbbClient } from "./client.js";
import { startFakeApi, waitFor, type FakeApi } from "./fake-api.js";

const now = 1_700_000_400_000;
let api: FakeApi;
let client: EbbClient;

before(async () => {
  api = await startFakeApi({ clock: new ManualClock(now), control: { now: () => now } });
  client = createClient({ baseUrl: api.url, token: api.token });
  await api.control.deploy([{ name: "web", command: ["node", "s.js"] }]);
});
after(() => api.close());

const sample = (time: number, requests: number, p99Ms: number | null = null): MetricSample => ({
  app: "web",
  time,
  desired: 1,
  ready: 1,
  inflight: 0,
  requests,
  errors: 0,
  p50Ms: null,
  p99Ms,
  coldStarts: 0,
});

test("metrics history: the last 15 minutes at 1 s by default, with the range used", async () => {
  api.control.recordSamples([sample(now - 1_000_000, 9), sample(now - 5000, 2), sample(now - 4000, 3)]);
  const res = await api.call("/api/v1/apps/web/metrics");
  assert.equal(res.status, 200);
  const body = (await res.json()) as { samples: MetricSample[]; from: number; to: number; step: number };
  assert.deepEqual({ from: body.from, to: body.to, step: body.step }, { from: now - 900_000, to: now, step: 1000 });
  assert.deepEqual(body.samples.map((m) => [m.time, m.requests]), [
    [now - 5000, 2],
    [now - 4000, 3],
  ]);
});

test("metrics history: buckets of `step` sum requests and keep the peak p99; the client passes the range", async () => {
  // `now` is on a minute boundary: the last minute holds these two and the previous test's two.
  api.control.recordSamples([sample(now - 60_000, 1, 5), sample(now - 59_000, 4, 12), sample(now - 61_000, 7, 3)]);
  const got = await client.appMetrics("web", { from: now - 120_000, to: now, step: 60_000 });
  assert.deepEqual({ from: got.from, to: got.to, step: got.step }, { from: now - 120_000, to: now, step: 60_000 });
  assert.deepEqual(got.samples.map((m) => [m.time - now, m.requests, m.p99Ms]), [
    [-120_000, 7, 3],
    [-60_000, 1 + 4 + 2 + 3, 12],
  ]);
});

test("metrics history: unknown app 404, bad ranges 400", async () => {
  const missing = await api.call("/api/v1/apps/nope/metrics");
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "APP_NOT_FOUND");
  for (const query of [`from=${now}&to=${now - 1}`, "step=10", "from=abc", `from=0&to=${now}&step=1000`]) {
    const res = await api.call(`/api/v1/apps/web/metrics?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "API_BAD_REQUEST", query);
  }
});

test("arrivals: the last 7 days by default, a range through the client, 404 and 400 as for metrics", async () => {
  const sec = Math.floor(now / 1000);
  api.control.recordArrivals("web", [[sec - 8 * 86_400, 4], [sec - 3600, 2], [sec - 10, 1], [sec, 5]]);
  const res = await api.call("/api/v1/apps/web/arrivals");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { arrivals: [[sec - 3600, 2], [sec - 10, 1], [sec, 5]], from: sec + 1 - 7 * 86_400, to: sec + 1 });
  assert.deepEqual(await client.arrivals("web", { from: sec - 3600, to: sec }), [[sec - 3600, 2], [sec - 10, 1]]);
  const unknown = await api.call("/api/v1/apps/nope/arrivals");
  assert.equal(unknown.status, 404);
  const long = await api.call(`/api/v1/apps/web/arrivals?from=0&to=${sec}`);
  assert.equal(long.status, 400);
  assert.equal(((await long.json()) as { error: { code: string } }).error.code, "API_BAD_REQUEST");
});

test("scaling patch: the metric target too, as {concurrency} or {requestRate}; other shapes are 400", async () => {
  const res = await client.updateScaling("web", { scaledownAfter: 600, metric: { concurrency: 20 } });
  assert.equal(res.outcome, "reconfigured");
  assert.deepEqual(api.control.getApp("web").spec.scaling.metric, { concurrency: 20 });
  assert.equal(api.control.getApp("web").spec.scaling.scaledownAfter, 600);
  for (const metric of [{ concurrency: "5" }, { rps: 5 }, { concurrency: 1, requestRate: 2 }, [5]]) {
    const bad = await api.call("/api/v1/apps/web/scaling", { method: "PATCH", body: JSON.stringify({ metric }), headers: { "content-type": "application/json" } });
    assert.equal(bad.status, 400, JSON.stringify(metric));
  }
});

test("overview: every app with its traffic, through the route and the client", async () => {
  api.control.setTraffic("web", { rps: 2.5, inflight: 1, p50Ms: 4, p99Ms: 9 });
  const res = await api.call("/api/v1/overview");
  assert.equal(res.status, 200);
  const body = (await res.json()) as Overview;
  assert.equal(body.time, now);
  assert.deepEqual(body.apps.map((a) => a.name), ["web"]);
  assert.deepEqual(body.traffic, { web: { rps: 2.5, inflight: 1, p50Ms: 4, p99Ms: 9 } });
  assert.deepEqual(await client.overview(), body);
  const noAuth = await fetch(`${api.url}/api/v1/overview`);
  assert.equal(noAuth.status, 401);
});

test("overview stream: one event at once, one per publish, unsubscribed on disconnect", async () => {
  const ac = new AbortController();
  const seen: Overview[] = [];
  const reading = (async () => {
    for await (const o of client.streamOverview(ac.signal)) {
      seen.push(o);
      if (seen.length === 1) api.control.publishOverview();
    }
  })();
  await waitFor("two overviews", () => seen.length === 2);
  assert.equal(api.control.overviewSubscribers, 1);
  assert.deepEqual(seen[1], seen[0]);
  assert.equal(seen[0]!.apps[0]!.name, "web");
  ac.abort();
  await reading;
  await waitFor("unsubscribe", () => api.control.overviewSubscribers === 0);
});

test("overview stream on the wire: text/event-stream with `event: overview` blocks", async () => {
  const ac = new AbortController();
  const res = await api.call("/api/v1/overview/stream", { signal: ac.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reader = res.body!.getReader();
  let text = "";
  while (!text.includes("\n\nevent: overview\ndata: ") || !text.endsWith("\n\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const data = JSON.parse(text.split("data: ")[1]!.trim()) as Overview;
  assert.deepEqual(Object.keys(data), ["time", "apps", "traffic"]);
  ac.abort();
  await reader.cancel().catch(() => {});
});

test("overview stream with 1,500 apps: each overview is larger than the stream buffer and still arrives", async () => {
  const big = await startFakeApi({ server: { streamBufferBytes: 64 * 1024 } });
  try {
    await big.control.deploy(Array.from({ length: 1500 }, (_, i) => ({ name: `app-${i}`, command: ["x"] })));
    assert.ok(JSON.stringify(big.control.overview()).length > 1024 * 1024);
    const bigClient = createClient({ baseUrl: big.url, token: big.token });
    const ac = new AbortController();
    let received = 0;
    for await (const o of bigClient.streamOverview(ac.signal)) {
      assert.equal(o.apps.length, 1500);
      if (++received === 3) ac.abort();
      else big.control.publishOverview();
    }
    assert.equal(received, 3);
  } finally {
    await big.close();
  }
});

/** Reads SSE blocks from a raw response body: `next()` resolves the next `{ event, data }`. */
function sseBlocks(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    async next(): Promise<{ event: string; data: string }> {
      for (;;) {
        const end = text.indexOf("\n\n");
        if (end >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) return { event, data };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        text += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

test("overview stream: a whole overview, then deltas carrying only what changed", async () => {
  const ac = new AbortController();
  await api.control.deploy([{ name: "other", command: ["x"] }]);
  const blocks = sseBlocks(await api.call("/api/v1/overview/stream", { signal: ac.signal }));
  const first = await blocks.next();
  assert.equal(first.event, "overview");
  assert.deepEqual((JSON.parse(first.data) as Overview).apps.map((a) => a.name).sort(), ["other", "web"]);
  await waitFor("the subscription", () => api.control.overviewSubscribers === 1);
  api.control.setTraffic("other", { rps: 7, inflight: 0, p50Ms: 1, p99Ms: 2 });
  api.control.publishOverview();
  const second = await blocks.next();
  assert.equal(second.event, "overview-delta");
  const delta = JSON.parse(second.data) as OverviewDelta;
  assert.deepEqual({ apps: delta.apps.map((a) => a.name), traffic: Object.keys(delta.traffic), removed: delta.removed }, { apps: [], traffic: ["other"], removed: [] });
  await api.control.delete("other");
  api.control.publishOverview();
  const third = JSON.parse((await blocks.next()).data) as OverviewDelta;
  assert.deepEqual(third.removed, ["other"]);
  ac.abort();
  await blocks.cancel();
});

test("overview stream: a client that does not read gets the deltas merged, none lost and none piling up", async () => {
  const big = await startFakeApi({ server: { streamBufferBytes: 64 * 1024 } });
  try {
    const names = Array.from({ length: 1500 }, (_, i) => `app-${i}`);
    await big.control.deploy(names.map((name) => ({ name, command: ["x"] })));
    const ac = new AbortController();
    const blocks = sseBlocks(await big.call("/api/v1/overview/stream", { signal: ac.signal }));
    await waitFor("the subscription", () => big.control.overviewSubscribers === 1);
    // 20 publications, each moving every app's traffic (about 150 KB of delta each), while the
    // client reads nothing: far more than the socket buffers hold, and none may be dropped.
    for (let i = 1; i <= 20; i++) {
      for (const name of names) big.control.setTraffic(name, { rps: i, inflight: 0, p50Ms: null, p99Ms: null });
      big.control.publishOverview();
    }
    const first = await blocks.next();
    assert.equal(first.event, "overview");
    let overview = JSON.parse(first.data) as Overview;
    let events = 1;
    while (overview.traffic["app-0"]!.rps !== 20 || overview.traffic["app-1499"]!.rps !== 20) {
      const { event, data } = await blocks.next();
      assert.equal(event, "overview-delta");
      overview = applyOverviewDelta(overview, JSON.parse(data) as OverviewDelta);
      events++;
    }
    assert.ok(events <= 5, `${events} events for 21 publications: the deltas a slow reader missed should be merged`);
    assert.ok(Object.values(overview.traffic).every((t) => t.rps === 20));
    assert.equal(overview.apps.length, 1500);
    ac.abort();
    await blocks.cancel();
  } finally {
    await big.close();
  }
});
