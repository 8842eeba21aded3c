import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { FakeApi } from "../api/fake-api.js";
import { simCommand } from "./sim.js";
import { runSimStyle, startWebApi } from "./sim-test-run.js";

const now = Date.parse("2025-03-08T18:00:00Z");
const nowSec = now / 1000;
let api: FakeApi;
before(async () => {
  api = await startWebApi(now);
  api.control.recordArrivals("web", [[nowSec - 3000, 4], [nowSec - 1000, 1], [nowSec - 10, 6]]);
  api.control.emit({ app: "web", type: "ColdStart", revision: 1, message: "", data: { totalMs: 700 } });
});
after(() => api.close());

const sim = (...argv: string[]) => runSimStyle(simCommand, argv, api, now);

test("--from-app replays the recorded arrivals under the deployed spec, saying where each model came from", async () => {
  const r = await sim("--from-app", "web", "--since", "1h");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^note: 11 recorded requests in 3 seconds with traffic/);
  assert.match(r.stdout, /^policy +replicas \[0, 2\], scaledownAfter 1m, concurrency 4 .*; from the deployed spec of web \(revision 1\)$/m);
  assert.match(r.stdout, /^cold start +700ms; the median of 1 recorded cold start \(wake to first byte\)$/m);
  assert.match(r.stdout, /^service time +1s; no latency recorded in the period: the default 1s$/m);
  assert.match(r.stdout, /^requests +11$/m);
});

test("--scaling overrides the spec; --sweep and --json work as with a trace; the period follows --since", async () => {
  const r = await sim("--from-app", "web", "--since", "30m", "--scaling", '{"replicas":[1,1]}', "--sweep", "scaledownAfter=0,600", "--json", "--service-time", "50ms");
  assert.equal(r.code, 0, r.stderr);
  const runs = JSON.parse(r.stdout) as Array<{ value: number; report: { requests: number; coldStartWaits: number; durationSeconds: number } }>;
  assert.deepEqual(runs.map((x) => [x.value, x.report.requests, x.report.coldStartWaits]), [[0, 7, 0], [600, 7, 0]], "min 1: never at zero");
  assert.ok(runs.every((x) => x.report.durationSeconds >= 1800));
});

test("flags of a trace file are refused with --from-app, --since without it; no traffic exits 1", async () => {
  for (const [argv, message] of [
    [["--from-app", "web", "--trace", "x.csv"], /^error: --trace: goes with --trace FILE, not --from-app/],
    [["--from-app", "web", "--app", "a.yaml"], /^error: --app: goes with --trace FILE/],
    [["--trace", "x.csv", "--format", "timestamps", "--since", "1h"], /^error: --since: goes with --from-app APP/],
    [["--from-app", "web", "--since", "30d"], /^error: --since: must be more than 0 and at most 7d/],
  ] as Array<[string[], RegExp]>) {
    const r = await sim(...argv);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, message);
  }
  const quiet = await sim("--from-app", "web", "--since", "5s");
  assert.equal(quiet.code, 1);
  assert.match(quiet.stderr, /^error: web has no recorded traffic since 2025-03-08T17:59:56Z/);
});
