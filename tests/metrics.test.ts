/**
 * Metrics end to end: a real server in this process (ports 0, a temp data dir), a real app
 * process, real requests through the gateway. `/metrics` must count exactly the requests sent,
 * show the ready replica, and observe the cold start after the app scales to zero and wakes; the
 * history route must hold samples whose request counts add up to the same number; the overview
 * and the app's view must show the traffic. Every wait is for a condition with a deadline.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { EbbClient } from "../src/api/client.js";
import { app, slowServer, startEbb, until } from "./integration/harness.js";

/** The sample lines of a Prometheus exposition: `name{labels}` -> value. */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(client: EbbClient): Promise<Map<string, number>> {
  return parseExposition(await client.metrics());
}

/** Sum of the series of `name` for app "hello" whose labels include `match`. */
function sumOf(m: Map<string, number>, name: string, match = ""): number {
  let n = 0;
  for (const [key, value] of m) if (key.startsWith(`${name}{app="hello"`) && key.includes(match)) n += value;
  return n;
}

test("/metrics counts every request, the ready replica and the cold start; the history adds up to the same", async () => {
  const ebb = await startEbb();
  try {
    const startedAt = Date.now();
    const dir = ebb.writeApp("hello", { "server.mjs": slowServer });
    await ebb.client.deploy([app("hello", dir, { scaling: { replicas: [0, 1], scaledownAfter: 1 } })]);
    await ebb.waitForEvent("hello", (e) => e.type === "RolloutComplete");

    const fast = 20;
    for (let i = 0; i < fast; i++) assert.equal((await ebb.fetchApp("hello", "/")).status, 200);
    // A slow request keeps the app awake (and its replica ready) while /metrics is read.
    const slow = ebb.fetchApp("hello", "/?ms=1500");
    await until(async () => sumOf(await scrape(ebb.client), "ebb_requests_in_flight") === 1, 5000, "the slow request in flight");
    const during = await scrape(ebb.client);
    assert.equal(during.get('ebb_replicas{app="hello",state="ready"}'), 1);
    assert.equal(during.get('ebb_replicas{app="hello",state="desired"}'), 1);
    assert.equal(sumOf(during, "ebb_requests_total"), fast, "only finished requests are counted");
    assert.equal((await slow).status, 200);

    await ebb.waitForEvent("hello", (e) => e.type === "ScaledToZero");
    const woke = await ebb.fetchApp("hello", "/");
    assert.equal(woke.status, 200);
    await ebb.waitForEvent("hello", (e) => e.type === "ColdStart");
    const sent = fast + 2;

    const after = await scrape(ebb.client);
    assert.equal(after.get('ebb_requests_total{app="hello",code="200"}'), sent);
    assert.equal(sumOf(after, "ebb_requests_total"), sent, "no other status codes");
    assert.equal(after.get('ebb_request_duration_seconds_count{app="hello"}'), sent);
    assert.equal(after.get('ebb_request_duration_seconds_bucket{app="hello",le="+Inf"}'), sent);
    assert.ok(after.get('ebb_request_duration_seconds_sum{app="hello"}')! >= 1.5, "the slow request's 1.5 s is in the sum");
    const events = ebb.events("hello");
    const coldStarts = events.filter((e) => e.type === "ColdStart").length;
    assert.ok(coldStarts >= 1);
    assert.equal(after.get('ebb_cold_start_duration_seconds_count{app="hello"}'), coldStarts);
    const downs = events.filter((e) => e.type === "ScaledDown" || e.type === "ScaledToZero").length;
    assert.equal(after.get('ebb_scaling_actions_total{app="hello",direction="down"}'), downs);
    assert.equal(after.get('ebb_scaling_actions_total{app="hello",direction="up"}'), events.filter((e) => e.type === "ScaledUp").length);
    assert.equal(after.get("ebb_apps"), 1);
    assert.ok(after.get("process_resident_memory_bytes")! > 0);
    assert.ok(after.has("process_cpu_seconds_total") && after.has("process_start_time_seconds"));

    // The history: samples of whole seconds, recorded once a second; wait for the last one.
    const history = async () => (await ebb.client.appMetrics("hello", { from: startedAt - 1000, to: Date.now() + 2000, step: 1000 })).samples;
    await until(async () => (await history()).reduce((n, s) => n + s.requests, 0) === sent, 5000, `history requests summing to ${sent}`);
    const samples = await history();
    assert.equal(samples.reduce((n, s) => n + s.coldStarts, 0), coldStarts);
    assert.ok(samples.some((s) => s.ready === 1 && s.desired === 1));
    assert.ok(samples.filter((s) => s.requests > 0).every((s) => s.p50Ms !== null && s.p99Ms !== null));
    assert.ok(samples.every((s, i) => i === 0 || s.time - samples[i - 1]!.time >= 1000));

    const view = await ebb.client.getApp("hello");
    assert.ok(view.status.lastRequestAt !== null, "lastRequestAt is filled");
    assert.ok(Date.parse(view.status.lastRequestAt) >= woke.endedAt - 1000);
    const overview = await ebb.client.overview();
    assert.deepEqual(overview.apps.map((a) => a.name), ["hello"]);
    assert.ok(overview.traffic.hello!.rps > 0, JSON.stringify(overview.traffic));
  } finally {
    await ebb.close();
  }
});
