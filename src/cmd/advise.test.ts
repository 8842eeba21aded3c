import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../api/client.js";
import type { FakeApi } from "../api/fake-api.js";
import { validScaling } from "../sim/index.js";
import { adviseCommand, applyText, parseBudget, scalingChange } from "./advise.js";
import { runSimStyle, startWebApi } from "./sim-test-run.js";

const now = Date.parse("2025-03-08T18:00:00Z");
const nowSec = now / 1000;
let api: FakeApi;
before(async () => {
  api = await startWebApi(now);
  // A request every 90 s for two hours: a 60 s scaledownAfter misses every one of them.
  api.control.recordArrivals("web", Array.from({ length: 80 }, (_, i): [number, number] => [nowSec - 7200 + i * 90, 1]));
});
after(() => api.close());

const advise = (...argv: string[]) => runSimStyle(adviseCommand, argv, api, now);

test("--cold-start-budget: a percentage, with or without the sign", () => {
  assert.deepEqual(["1%", "0.5 %", "2", "0%", undefined].map(parseBudget), [0.01, 0.005, 0.02, 0, 0.01]);
  for (const bad of ["-1%", "101%", "x", "%"]) assert.throws(() => parseBudget(bad), (err: unknown) => isEbbError(err, "SIM_OPTIONS_INVALID"), bad);
});

test("the change and how to apply it: only the fields that differ", () => {
  const from = validScaling({ replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 } }, "test");
  const to = validScaling({ replicas: [0, 3], scaledownAfter: 1800, metric: { concurrency: 20 }, concurrencyLimit: 30 }, "test");
  assert.deepEqual(scalingChange(from, from), {});
  assert.deepEqual(scalingChange(from, to), { scaledownAfter: 1800, metric: { concurrency: 20 } });
  const text = applyText("web", to, scalingChange(from, to), "http://127.0.0.1:7070");
  assert.match(text, /^  ebb scale web --scaledown-after 30m --concurrency 20$/m);
  assert.match(text, /-d '\{"scaledownAfter":1800,"metric":\{"concurrency":20\}\}' http:\/\/127\.0\.0\.1:7070\/api\/v1\/apps\/web\/scaling$/m);
  assert.match(text, /^    scaledownAfter: 30m\n    metric: \{ concurrency: 20 \}\n    concurrencyLimit: 30$/m);
  assert.equal(applyText("web", from, {}, "http://x"), "The current setting is the recommended one: nothing to change.\n");
});

test("advise sweeps the app's recorded traffic and recommends the cheapest setting within the budget", async () => {
  const r = await advise("web", "--since", "3h", "--cold-start", "2s", "--service-time", "100ms", "--cold-start-budget", "5%");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^traffic +80 requests in 80 seconds with arrivals/m);
  assert.match(r.stdout, /^cold start +2s; --cold-start$/m);
  const marked = r.stdout.split("\n").filter((l) => l.startsWith("*"));
  assert.equal(marked.length, 1);
  assert.match(marked[0]!, /^\*\s+2m\s+4 \(x1\)\s+1\s+1\.25\s/, "the shortest scaledownAfter above the 90 s gaps: one cold start");
  assert.match(r.stdout, /^\s+1m\s+4 \(x1\)\s+80\s+100\.00\s.*current$/m);
  assert.match(r.stdout, /^  ebb scale web --scaledown-after 2m$/m);
});

test("usage errors exit 2; an unknown app exits 1", async () => {
  for (const argv of [[], ["web", "extra"], ["web", "--since", "9d"], ["web", "--cold-start-budget", "lots"], ["web", "--frob"]]) {
    const r = await advise(...argv);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, /^error: /);
  }
  assert.equal((await advise("--help")).code, 0);
  const missing = await advise("nope");
  assert.deepEqual([missing.code, missing.stderr], [1, "error: no app named 'nope'\n"]);
});
