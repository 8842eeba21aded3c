/**
 * `ebb sim` end to end through simCommand: flags, exit codes, text and JSON output, the plot
 * file, and the errors users see (usage errors exit 2 naming the flag; a malformed trace exits 1
 * naming file:line:column).
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simCommand } from "../src/cmd/sim.js";
import { root, traces } from "./sim-traces.js";

const dir = mkdtempSync(join(tmpdir(), "ebb-sim-cmd-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function sim(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, cwd: root, env: {} };
  const code = await simCommand(argv, io);
  return { code, out, err };
}

const llm = ["--trace", traces.llmCodeSlice, "--format", "azure-llm"];

test("--help prints the usage and every flag", async () => {
  const r = await sim("--help");
  assert.equal(r.code, 0);
  for (const flag of ["--trace", "--format", "--app", "--scaling", "--cold-start", "--service-time", "--seed", "--sweep", "--plot", "--json", "--durations"]) {
    assert.ok(r.out.includes(flag), flag);
  }
});

const usage: Array<[string[], RegExp]> = [
  [["--format", "azure-llm"], /--trace: missing/],
  [["--trace", "nope.csv", "--format", "azure-llm"], /--trace: cannot read nope\.csv \(ENOENT\)/],
  [["--trace", traces.llmCodeSlice, "--format", "csv"], /--format: must be one of azure-llm, azure-functions, timestamps/],
  [[...llm, "--frobnicate"], /unknown flag --frobnicate/],
  [[...llm, "--cold-start", "soon"], /--cold-start: /],
  [[...llm, "--scaling", '{"replicas":[2,1]}'], /--scaling: .*scaling\.replicas\[1\]/s],
  [[...llm, "--scaling", "{}", "--app", "examples/model-server/app.yaml"], /--scaling: give --app or --scaling, not both/],
  [[...llm, "--seed", "x"], /--seed: must be a whole number/],
  [[...llm, "--sweep", "ttl=1"], /--sweep: expected KEY=v1,v2/],
  [[...llm, "--autoscaler", '{"tickMs":5}'], /--autoscaler: .*tickMs/],
];

for (const [argv, message] of usage) {
  test(`usage error exits 2 naming the flag: ${message.source}`, async () => {
    const r = await sim(...argv);
    assert.equal(r.code, 2);
    assert.match(r.err, /^error: /);
    assert.match(r.err, message);
    assert.equal(r.out, "");
  });
}

test("a malformed trace exits 1 naming file:line:column", async () => {
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.1,12,x\n");
  const r = await sim("--trace", bad, "--format", "azure-llm");
  assert.equal(r.code, 1);
  assert.match(r.err, /^error: bad\.csv:2:26: GeneratedTokens must be a whole number/);
});

test("--json prints the report with the documented fields", async () => {
  const r = await sim(...llm, "--scaling", '{"replicas":[0,2],"scaledownAfter":30}', "--cold-start", "uniform:2s,5s", "--json");
  assert.equal(r.code, 0);
  const report = JSON.parse(r.out);
  for (const key of ["requests", "coldStartWaits", "replicaSeconds", "idleReplicaSeconds", "peakReplicas"]) assert.equal(typeof report[key], "number", key);
  for (const key of ["p50", "p95", "p99"]) assert.equal(typeof report.latency[key], "number", key);
  assert.equal(report.requests, 1500);
  assert.ok(report.coldStartWaits > 0);
});

test("the policy of an app manifest, printed as a table", async () => {
  const r = await sim(...llm, "--app", "examples/model-server/app.yaml", "--cold-start", "8s");
  assert.equal(r.code, 0);
  assert.match(r.out, /from examples\/model-server\/app\.yaml \(model-server\)/);
  assert.match(r.out, /replicas \[0, 3\], scaledownAfter 10m, concurrency 2/);
  assert.match(r.out, /^requests +1,500$/m);
  assert.match(r.out, /^cold-start waits +\d+ \(/m);
});

test("a sweep prints one row per value, and --plot draws them; --json gives [{ value, report }]", async () => {
  const plot = join(dir, "sweep.svg");
  const text = await sim(...llm, "--sweep", "scaledownAfter=10,60,5m", "--plot", plot);
  assert.equal(text.code, 0);
  assert.match(text.out, /^scaledownAfter +cold waits/m);
  assert.match(text.out, /^5m /m);
  const svg = readFileSync(plot, "utf8");
  assert.equal(svg.match(/<circle /g)?.length, 3);
  const json = await sim(...llm, "--sweep", "max=1,2", "--json");
  const runs = JSON.parse(json.out);
  assert.deepEqual(runs.map((r: { value: unknown }) => r.value), [1, 2]);
  assert.equal(runs[1].report.requests, 1500);
});

test("a functions trace reports the paper measures against the 10-minute keep-alive", async () => {
  const r = await sim("--trace", traces.fnInvocationsSlice, "--format", "azure-functions", "--scaling", '{"replicas":[0,1],"scaledownAfter":60}', "--json");
  assert.equal(r.code, 0);
  const report = JSON.parse(r.out);
  assert.equal(report.apps, 23);
  assert.equal(typeof report.paper.coldStartPctQ3, "number");
  assert.ok(report.paper.wastedTimePct > 0 && report.paper.wastedTimePct < 100, String(report.paper.wastedTimePct));
  assert.equal(r.err, "", "the durations file beside the slice is found");
});
