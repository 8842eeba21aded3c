import { test } from "node:test";
import assert from "node:assert/strict";
import { startFakeApi, waitFor, type FakeApi } from "../api/fake-api.js";
import { startCli } from "./test-run.js";
import { ansi } from "./top-format.js";

function start(api: FakeApi, argv: string[], opts: { tty?: boolean; signal?: AbortSignal } = {}) {
  return startCli(api, argv, { cwd: "/", tty: opts.tty ?? false, ...(opts.signal && { signal: opts.signal }) });
}

async function withApi(fn: (api: FakeApi) => Promise<void>): Promise<void> {
  const api = await startFakeApi();
  try {
    await api.control.deploy([{ name: "web", command: ["x"] }]);
    api.control.setTraffic("web", { rps: 12, inflight: 3, p50Ms: 4, p99Ms: 20 });
    await fn(api);
  } finally {
    await api.close();
  }
}

test("top --once prints one snapshot and exits 0", () =>
  withApi(async (api) => {
    const run = start(api, ["top", "--once"]);
    assert.equal(await run.code, 0);
    const lines = run.stdout.split("\n");
    assert.match(lines[0]!, /^ebb top .* 1 app {2}12 req\/s$/);
    assert.match(lines[1]!, /^NAME +STATUS +SUBSTATE/);
    assert.match(lines[2]!, /^web +DEPLOYING +SCALED_TO_ZERO +0\/0 +0-1 +12 +4\.0 ms +20 ms +3 +-$/);
    assert.equal(api.control.overviewSubscribers, 0);
  }));

test("top --json prints overviews as JSON lines until interrupted (exit 0)", () =>
  withApi(async (api) => {
    const ac = new AbortController();
    const run = start(api, ["top", "--json"], { signal: ac.signal, tty: true });
    await waitFor("the first overview", () => run.stdout.split("\n").length === 2);
    await waitFor("the subscription", () => api.control.overviewSubscribers === 1);
    api.control.publishOverview();
    await waitFor("the second overview", () => run.stdout.split("\n").length === 3);
    ac.abort();
    assert.equal(await run.code, 0);
    const objects = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { traffic: unknown; apps: unknown[] });
    assert.equal(objects.length, 2);
    assert.deepEqual(objects[1]!.traffic, { web: { rps: 12, inflight: 3, p50Ms: 4, p99Ms: 20 } });
    assert.doesNotMatch(run.stdout, /\x1b/, "no ANSI codes in JSON output");
    await waitFor("unsubscribe", () => api.control.overviewSubscribers === 0);
  }));

test("on a terminal each snapshot redraws in place; the cursor comes back at the end", () =>
  withApi(async (api) => {
    const ac = new AbortController();
    const run = start(api, ["top"], { signal: ac.signal, tty: true });
    await waitFor("the subscription", () => api.control.overviewSubscribers === 1);
    api.control.publishOverview();
    await waitFor("two frames", () => run.stdout.split(ansi.home).length === 3);
    ac.abort();
    assert.equal(await run.code, 0);
    assert.ok(run.stdout.startsWith(ansi.hideCursor + ansi.clearScreen + ansi.home));
    assert.ok(run.stdout.endsWith(ansi.eraseBelow + ansi.showCursor));
    assert.match(run.stdout, /web +DEPLOYING .*12 .*\x1b\[K/);
  }));

test("not on a terminal: plain snapshots one after the other; a server that ends the stream ends top with exit 1", () =>
  withApi(async (api) => {
    const run = start(api, ["top"]);
    await waitFor("the subscription", () => api.control.overviewSubscribers === 1);
    api.control.publishOverview();
    await waitFor("two snapshots", () => run.stdout.split("ebb top").length === 3);
    await api.close();
    assert.equal(await run.code, 1);
    assert.doesNotMatch(run.stdout, /\x1b/);
    assert.match(run.stderr, /^error: ebb at http:\/\/127\.0\.0\.1:\d+ closed the stream/);
  }));
