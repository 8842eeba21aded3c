import { test } from "node:test";
import assert from "node:assert/strict";
import { startFakeApi, waitFor } from "../../src/api/fake-api.js";
import { start, timePattern } from "./harness.js";

test("events -f prints the tail, then new events of the app, until interrupted (exit 0)", async () => {
  const api = await startFakeApi();
  try {
    api.control.emit({ app: "a", type: "Deployed", revision: 1, message: "Deployed revision 1", data: {} });
    const ac = new AbortController();
    const run = start(api, ["events", "a", "-f"], { signal: ac.signal });
    await waitFor("the tail", () => run.stdout.includes("Deployed revision 1"));
    await waitFor("the stream", () => api.control.eventSubscribers === 1);
    api.control.emit({ app: "b", type: "ScaledUp", revision: 1, message: "ScaledUp 0->1: other app", data: {} });
    api.control.emit({ app: "a", type: "ScaledUp", revision: 1, message: "ScaledUp 0->1: request arrived at zero", data: {} });
    await waitFor("the live event", () => run.stdout.includes("request arrived"));
    ac.abort();
    assert.equal(await run.code, 0);
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, new RegExp(`^${timePattern}  a +ScaledUp +ScaledUp 0->1: request arrived at zero$`));
    await waitFor("unsubscribe", () => api.control.eventSubscribers === 0);
  } finally {
    await api.close();
  }
});

test("events -f --json prints each live event as one JSON line", async () => {
  const api = await startFakeApi();
  try {
    const ac = new AbortController();
    const run = start(api, ["events", "--json", "-f"], { signal: ac.signal });
    await waitFor("the stream", () => api.control.eventSubscribers === 1);
    const e = api.control.emit({ app: "a", type: "ColdStart", revision: 1, message: "Cold start 412 ms", data: { totalMs: 412 } });
    await waitFor("the live event", () => run.stdout.includes("ColdStart"));
    ac.abort();
    assert.equal(await run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout.trim()), e);
  } finally {
    await api.close();
  }
});

test("logs -f follows lines and events of one replica's app until interrupted", async () => {
  const api = await startFakeApi();
  try {
    await api.control.deploy([{ name: "web", command: ["x"] }]);
    api.control.pushLog({ app: "web", replica: "web-r1-1", stream: "stdout", text: "booting" });
    const ac = new AbortController();
    const run = start(api, ["logs", "web", "-f", "--replica", "web-r1-1"], { signal: ac.signal });
    await waitFor("the tail", () => run.stdout.includes("booting"));
    await waitFor("the stream", () => api.control.logSubscribers === 1);
    api.control.pushLog({ app: "web", replica: "web-r1-2", stream: "stdout", text: "not this replica" });
    api.control.pushLog({ app: "web", replica: "web-r1-1", stream: "stderr", text: "GET / 200" });
    api.control.emit({ app: "web", type: "ScaledDown", revision: 1, message: "ScaledDown 2->1: idle for 5m", data: {} });
    await waitFor("the live lines", () => run.stdout.includes("ScaledDown"));
    ac.abort();
    assert.equal(await run.code, 0);
    const lines = run.stdout.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((l) => l.replace(new RegExp(`^${timePattern}  `), "")),
      ["--- Deployed revision 1", "web-r1-1        stdout  booting", "web-r1-1        stderr  GET / 200", "--- ScaledDown 2->1: idle for 5m"],
    );
    await waitFor("unsubscribe", () => api.control.logSubscribers === 0);
  } finally {
    await api.close();
  }
});

test("a follow whose server goes away ends with an error, not a hang", async () => {
  const api = await startFakeApi();
  const run = start(api, ["events", "-f"]);
  await waitFor("the stream", () => api.control.eventSubscribers === 1);
  api.server.destroy();
  assert.equal(await run.code, 1);
  assert.match(run.stderr, /^error: lost the stream from ebb at http:\/\/127\.0\.0\.1:\d+/);
});

test("a follow whose server shuts down cleanly says so and exits 1", async () => {
  const api = await startFakeApi();
  await api.control.deploy([{ name: "web", command: ["x"] }]);
  const run = start(api, ["logs", "web", "-f"]);
  await waitFor("the stream", () => api.control.logSubscribers === 1);
  await api.close();
  assert.equal(await run.code, 1);
  assert.match(run.stderr, /^error: ebb at http:\/\/127\.0\.0\.1:\d+ closed the stream \(is the server stopping\?\)\n$/);
});
