/**
 * The scaling contract end to end (DESIGN §2) with real processes and sockets: from zero on the
 * first request and back to zero scaledownAfter later; a burst scaled out to max and back; no
 * request lost when a replica is removed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AppSummary } from "../../src/spec/types.js";
import { app, printed, slowServer, startEbb, until } from "./harness.js";

test("a request to an app at zero succeeds, and the app is at zero again scaledownAfter after it finished", async () => {
  const ebb = await startEbb();
  try {
    const dir = ebb.writeApp("sleepy", { "server.mjs": slowServer });
    await ebb.client.deploy([app("sleepy", dir, { scaling: { replicas: [0, 1], scaledownAfter: 2 } })]);
    // The deploy's own first replica proves the app starts; then it goes to zero.
    await ebb.waitForEvent("sleepy", (e) => e.type === "ScaledToZero");
    await ebb.waitForEvent("sleepy", (e) => e.type === "ReplicaExited");
    assert.equal((await ebb.client.getApp("sleepy")).status.substate, "SCALED_TO_ZERO");

    const res = await ebb.fetchApp("sleepy", "/?ms=200");
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).ms, 200);
    const cold = await ebb.waitForEvent("sleepy", (e) => e.type === "ColdStart");
    const phases = cold.data.phases as { spawnMs: number; listeningMs: number; readyMs: number; firstByteMs: number };
    assert.ok(phases.spawnMs <= phases.listeningMs && phases.listeningMs <= phases.readyMs && phases.readyMs <= phases.firstByteMs, JSON.stringify(phases));
    assert.ok(phases.firstByteMs >= 200, "the first byte came after the app's own 200 ms");

    const zero = await ebb.waitForEvent("sleepy", (e) => e.type === "ScaledToZero" && e.id > cold.id);
    const afterMs = Date.parse(zero.time) - res.endedAt;
    // scaledownAfter is 2 s; the autoscaler ticks every second, so it may take one tick more.
    assert.ok(afterMs >= 1900 && afterMs <= 3500, `scaled to zero ${afterMs} ms after the request finished`);
    assert.match(zero.message, /idle for \d+ s \(scaledownAfter 2 s\)/);
    assert.equal(zero.data.rule, "idle");
  } finally {
    await ebb.close();
  }
});

test("50 concurrent slow requests to a [0,5] app with a concurrency target of 2 all succeed, scale it out to 5 and back to zero", async () => {
  const ebb = await startEbb();
  try {
    // The live overview (a whole one, then deltas) follows the whole lifecycle below; at the end
    // it must show what a fresh read shows, so no change was left out of a delta.
    const watching = new AbortController();
    let live: AppSummary | undefined;
    const watched = (async () => {
      for await (const o of ebb.client.streamOverview(watching.signal)) live = o.apps.find((a) => a.name === "burst");
    })().catch((err: unknown) => {
      if (!watching.signal.aborted) throw err;
    });
    const dir = ebb.writeApp("burst", { "server.mjs": slowServer });
    await ebb.client.deploy([app("burst", dir, { scaling: { replicas: [0, 5], scaledownAfter: 2, metric: { concurrency: 2 } } })]);
    await ebb.waitForEvent("burst", (e) => e.type === "ReplicaExited");

    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => ebb.fetchApp("burst", "/?ms=1500")));
    assert.deepEqual(results.map((r) => r.status), Array(50).fill(200));
    const pids = new Set(results.map((r) => JSON.parse(r.body).pid));
    assert.ok(pids.size >= 1);

    const toFive = await ebb.waitForEvent("burst", (e) => e.type === "ScaledUp" && e.data.to === 5 && Date.parse(e.time) >= started);
    assert.ok(["panic", "max"].includes(String(toFive.data.rule)), `rule ${toFive.data.rule}`);
    const ready = () => ebb.events("burst").filter((e) => e.type === "ReplicaReady" && Date.parse(e.time) >= started).length;
    await until(() => ready() >= 5, 10_000, "five replicas ready");

    await ebb.waitForEvent("burst", (e) => e.type === "ScaledToZero" && Date.parse(e.time) > started);
    await until(async () => (await ebb.client.getApp("burst")).status.substate === "SCALED_TO_ZERO", 15_000, "every replica drained and stopped");
    assert.deepEqual((await ebb.client.getApp("burst")).status.replicas, { desired: 0, ready: 0, starting: 0, draining: 0 });
    const { conditions: _, ...fresh } = await ebb.client.getApp("burst");
    await until(() => live !== undefined && JSON.stringify(live) === JSON.stringify(fresh), 5000, `the live overview to match a fresh read: ${JSON.stringify(fresh.status)}`);
    watching.abort();
    await watched;
  } finally {
    await ebb.close();
  }
});

test("a long request in flight when its replica is removed completes", async () => {
  const ebb = await startEbb();
  try {
    const dir = ebb.writeApp("long", { "server.mjs": slowServer });
    await ebb.client.deploy([app("long", dir, { scaling: { replicas: [1, 1] }, env: { VERSION: "1" } })]);
    await ebb.waitForEvent("long", (e) => e.type === "RolloutComplete");

    // A rollout removes the old replica while the request is in flight on it.
    const inflight = ebb.fetchApp("long", "/?ms=2500");
    await until(() => printed(ebb, "long", "request /?ms=2500"), 5000, "the request reached the replica");
    await ebb.client.deploy([app("long", dir, { scaling: { replicas: [1, 1] }, env: { VERSION: "2" } })]);
    await ebb.waitForEvent("long", (e) => e.type === "ReplicaDraining");
    const res = await inflight;
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).env, "1", "served by the old revision to the end");
    assert.equal(JSON.parse((await ebb.fetchApp("long", "/")).body).env, "2");

    // Stopping the app drains too.
    const second = ebb.fetchApp("long", "/?ms=1500");
    await until(() => printed(ebb, "long", "request /?ms=1500"), 5000, "the request reached the replica");
    await ebb.client.stop("long");
    assert.equal((await second).status, 200);
    assert.equal((await ebb.fetchApp("long", "/")).status, 503);
  } finally {
    await ebb.close();
  }
});
