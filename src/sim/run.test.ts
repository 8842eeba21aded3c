import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixed } from "./random.js";
import { openTrace, runPlan } from "./run.js";
import { parseSweep, validScaling } from "./sweep.js";

const dir = mkdtempSync(join(tmpdir(), "ebb-sim-run-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const durationsHeader =
  "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n";

function functionsTrace(folder: string, withDurations: boolean): string {
  mkdirSync(join(dir, folder));
  const path = join(dir, folder, "inv.csv");
  writeFileSync(path, "HashOwner,HashApp,HashFunction,Trigger,480,481,482\no,a1,f1,http,5,0,3\no,a2,f2,http,0,2,0\no,a2,f3,http,1,0,0\n");
  if (withDurations) writeFileSync(join(dir, folder, "azure-fn2019-durations.csv"), durationsHeader + "o,a1,f1,1,1,1,1,50,50,50,50,50,50,50\n");
  return path;
}

test("the functions format finds the durations file beside the trace and says what it lacks", () => {
  const { source, notes } = openTrace({ format: "azure-functions", path: functionsTrace("with", true) });
  assert.deepEqual([...source.requests].filter((r) => r.app === "a1").map((r) => r.serviceMs), [50, 50, 50, 50, 50, 50, 50, 50]);
  assert.deepEqual(notes, ["2 of 3 functions have no row in the durations file: they take the default service time"]);
  const bare = openTrace({ format: "azure-functions", path: functionsTrace("without", false) });
  assert.match(bare.notes[0]!, /no azure-fn2019-durations\.csv beside the trace/);
});

test("single-app formats take the app name given", () => {
  const path = join(dir, "ts.csv");
  writeFileSync(path, "1\n2\n");
  assert.deepEqual(openTrace({ format: "timestamps", path, app: "web" }).source.apps, ["web"]);
  const llm = join(dir, "llm.csv");
  writeFileSync(llm, "2023-11-16 18:17:03.1,10,1\n");
  assert.equal([...openTrace({ format: "azure-llm", path: llm, app: "m" }).source.requests][0]!.app, "m");
});

test("a sweep of a several-app trace carries the paper measures against one shared baseline", () => {
  const { source } = openTrace({ format: "azure-functions", path: functionsTrace("sweep", true) });
  const base = validScaling({ replicas: [0, 1] }, "test");
  const out = runPlan({ source, options: { scaling: base, coldStart: fixed(1000) }, sweep: parseSweep("scaledownAfter=1,600", base) });
  const [short, long] = out.sweep!;
  assert.equal(short!.value, 1);
  assert.equal(short!.report.paper!.baseline.idleReplicaSeconds, long!.report.paper!.baseline.idleReplicaSeconds);
  assert.equal(long!.report.paper!.wastedTimePct, 100, "scaledownAfter 600 with [0, 1] is the baseline itself");
  assert.ok(short!.report.paper!.wastedTimePct < 100);
  assert.equal(out.report, undefined);
});

test("a single-app trace gets no paper measures unless asked", () => {
  const path = join(dir, "one.csv");
  writeFileSync(path, "0,1\n100,1\n");
  const { source } = openTrace({ format: "timestamps", path });
  const options = { scaling: validScaling({}, "test") };
  assert.equal(runPlan({ source, options }).report!.paper, undefined);
  const asked = runPlan({ source, options, paper: true }).report!.paper!;
  assert.equal(asked.wastedTimePct, 100, "the trace ends before either keep-alive runs out: the same idle time");
  assert.equal(asked.baseline.keepAliveSec, 600);
});
