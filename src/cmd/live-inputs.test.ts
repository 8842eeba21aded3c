import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createClient, isEbbError, type EbbEvent, type MetricSample } from "../api/client.js";
import { startFakeApi, type FakeApi } from "../api/fake-api.js";
import { fixed } from "../sim/index.js";
import { coldStartModel, periodLabel, readLiveInputs, serviceTimeModel, weightedMedian } from "./live-inputs.js";
import { parseSince } from "./sim-flags.js";

const now = Date.parse("2025-03-08T18:00:00.400Z");
const nowSec = Math.floor(now / 1000);
let api: FakeApi;
before(async () => {
  api = await startFakeApi({ control: { now: () => now } });
  await api.control.deploy([{ name: "web", command: ["node", "s.js"] }, { name: "idle", command: ["node", "s.js"] }]);
  api.control.getApp("web").createdAt = new Date(now - 3600_000).toISOString();
});
after(() => api.close());

const event = (type: EbbEvent["type"], time: number, data: Record<string, unknown>): EbbEvent => ({
  id: 1,
  app: "web",
  type,
  time: new Date(time).toISOString(),
  revision: 1,
  message: "",
  data,
});
const sample = (requests: number, p50Ms: number | null): MetricSample => ({
  app: "web",
  time: 0,
  desired: 1,
  ready: 1,
  inflight: 0,
  requests,
  errors: 0,
  p50Ms,
  p99Ms: null,
  coldStarts: 0,
});

test("weighted median: the smallest value holding half the weight", () => {
  assert.equal(weightedMedian([[3, 1], [1, 1], [2, 1]]), 2);
  assert.equal(weightedMedian([[10, 1], [50, 5], [900, 3]]), 50);
  assert.equal(weightedMedian([[10, 1], [20, 1]]), 10);
  assert.equal(weightedMedian([]), 0);
});

test("cold start: the median totalMs of the period's ColdStart events, else the 1 s default", () => {
  const events = [
    event("ColdStart", now - 10_000, { totalMs: 900 }),
    event("ColdStart", now - 20_000, { totalMs: 300 }),
    event("ColdStart", now - 30_000, { totalMs: 500 }),
    event("ColdStart", now - 30_000, { totalMs: "n/a" }),
    event("ColdStart", now - 9_000_000, { totalMs: 99_000 }),
    event("ScaledUp", now - 1000, { totalMs: 1 }),
  ];
  const m = coldStartModel(events, now - 3600_000);
  assert.deepEqual(m.distribution, fixed(500));
  assert.match(m.origin, /the median of 3 recorded cold starts/);
  const none = coldStartModel(events, now);
  assert.deepEqual(none.distribution, fixed(1000));
  assert.match(none.origin, /no cold start recorded in the period: the default 1s/);
});

test("service time: the request-weighted median of recorded p50s, else the 1 s default", () => {
  const m = serviceTimeModel([sample(1, 500), sample(10, 40.4), sample(3, null), sample(2, 60)]);
  assert.deepEqual(m.distribution, fixed(40));
  assert.match(m.origin, /weighted by its 13 requests/);
  assert.deepEqual(serviceTimeModel([sample(0, 80), sample(4, null)]).distribution, fixed(1000));
});

test("--since: durations and days, at most 7 days", () => {
  assert.deepEqual(["7d", "24h", "90m", "1.5d", undefined].map((s) => parseSince(s)), [604_800, 86_400, 5400, 129_600, 604_800]);
  for (const bad of ["8d", "0s", "soon", "10", "-1h"]) assert.throws(() => parseSince(bad), (err: unknown) => isEbbError(err, "SIM_OPTIONS_INVALID"), bad);
  assert.equal(periodLabel(0, 604_800), "1970-01-01T00:00:00Z to 1970-01-08T00:00:00Z (7d)");
  assert.equal(periodLabel(0, 5400), "1970-01-01T00:00:00Z to 1970-01-01T01:30:00Z (1h30m)");
});

test("live inputs: the period starts no earlier than the app, and the models come from the server", async () => {
  api.control.recordArrivals("web", [[nowSec - 7200, 9], [nowSec - 600, 2], [nowSec, 3]]);
  api.control.emit({ app: "web", type: "ColdStart", revision: 1, message: "", data: { totalMs: 250 } });
  api.control.recordSamples([{ ...sample(5, 80), time: now - 5000 }]);
  const client = createClient({ baseUrl: api.url, token: api.token });
  const live = await readLiveInputs(client, "web", { sinceSec: 604_800, nowMs: now, seed: 1 });
  assert.deepEqual([live.fromSec, live.toSec, live.requests, live.counts], [nowSec - 3600, nowSec + 1, 5, [[nowSec - 600, 2], [nowSec, 3]]]);
  assert.deepEqual([live.source.startMs, live.source.endMs, [...live.source.requests].length], [(nowSec - 3600) * 1000, (nowSec + 1) * 1000, 5]);
  assert.deepEqual([live.coldStart.distribution, live.serviceTime.distribution], [fixed(250), fixed(80)]);
  const flagged = await readLiveInputs(client, "web", { sinceSec: 300, nowMs: now, seed: 1, coldStart: fixed(8000), serviceTime: fixed(2) });
  assert.deepEqual([flagged.fromSec, flagged.requests, flagged.coldStart.origin, flagged.serviceTime.origin], [nowSec + 1 - 300, 3, "--cold-start", "--service-time"]);
  await assert.rejects(readLiveInputs(client, "idle", { sinceSec: 3600, nowMs: now, seed: 1 }), (err: unknown) => isEbbError(err) && /idle has no recorded traffic since/.test(err.message));
  await assert.rejects(readLiveInputs(client, "nope", { sinceSec: 3600, nowMs: now, seed: 1 }), (err: unknown) => isEbbError(err, "APP_NOT_FOUND"));
});
