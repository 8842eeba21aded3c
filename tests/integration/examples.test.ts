/**
 * Every example in examples/ deploys as `npm start` deploys it (the whole folder) and answers a
 * request: the five scaling patterns, the Python app, the streaming model server and the app
 * declared with the TypeScript SDK.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { repoRoot } from "../repo-root.js";
import { loadManifests } from "../../src/cli/manifest.js";
import { startEbb, until } from "./harness.js";

const root = repoRoot(import.meta.url);

test("every example deploys from the examples folder and serves", async () => {
  const ebb = await startEbb();
  try {
    const manifests = await loadManifests(["examples"], root);
    const results = await ebb.client.deploy(manifests.flatMap((m) => m.apps));
    const names = results.map((r) => r.name).sort();
    assert.deepEqual(names, ["always-on", "burstable", "counter", "hello", "high-availability", "model-server", "python-hello", "scale-to-zero"]);
    for (const name of names) await ebb.waitForEvent(name, (e) => e.type === "RolloutComplete", 30_000);

    const patterns = { "always-on": [1, 1], "scale-to-zero": [0, 1], "high-availability": [2, 5], burstable: [1, 10], hello: [0, 1] };
    for (const [name, replicas] of Object.entries(patterns)) {
      const view = await ebb.client.getApp(name);
      assert.deepEqual(view.spec.scaling.replicas, replicas, name);
    }
    await until(async () => (await ebb.client.getApp("high-availability")).status.replicas.ready === 2, 10_000, "two HA replicas");

    assert.match((await ebb.fetchApp("hello", "/")).body, /^hello from/);
    for (const name of ["always-on", "scale-to-zero", "high-availability", "burstable"]) {
      const res = await ebb.fetchApp(name, "/?ms=10");
      assert.equal(res.status, 200, name);
      assert.equal(JSON.parse(res.body).app, name);
    }
    const py = await ebb.fetchApp("python-hello", "/hi");
    assert.equal(py.status, 200);
    assert.deepEqual(JSON.parse(py.body).hello, "from python");

    const stream = await ebb.fetchApp("model-server", "/v1/completions?prompt=hi&max_tokens=5");
    assert.equal(stream.status, 200);
    assert.equal(stream.headers["content-type"], "text/event-stream");
    const events = stream.body.split("\n\n").filter(Boolean);
    assert.equal(events.length, 6, stream.body);
    assert.equal(events.at(-1), "data: [DONE]");

    assert.equal((await ebb.fetchApp("counter", "/")).status, 401, "the SDK example keeps the default requiresAuth");
    const counted = await ebb.fetchApp("counter", "/", { headers: { authorization: `Bearer ${ebb.server.token}` } });
    assert.equal(JSON.parse(counted.body).app, "counter");
  } finally {
    await ebb.close();
  }
});
