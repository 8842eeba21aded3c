/**
 * Monotonicity of the keep-alive trade-off: with replicas [0, 1] (one replica per app taking
 * every request), keeping a replica longer after its last request (a longer scaledownAfter)
 * never gives more cold-start waits nor fewer idle replica-seconds, on the same trace and seed.
 * Checked on a sweep over the LLM code trace and over the functions trace slice (several apps,
 * Poisson-spread arrivals and drawn service times, so also that the draws do not depend on the
 * policy).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openTrace, parseDistribution, parseSweep, runPlan, validScaling, type SimReport } from "../src/sim/index.js";
import { traces } from "./sim-traces.js";

const values = "1,5,15,30,60,120,300,600,1800";

function assertMonotone(runs: Array<{ value: number | string; report: SimReport }>): void {
  assert.equal(runs.length, values.split(",").length);
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [runs[i - 1]!, runs[i]!];
    const at = `scaledownAfter ${a.value} -> ${b.value}`;
    assert.ok(b.report.coldStartWaits <= a.report.coldStartWaits, `${at}: cold-start waits ${a.report.coldStartWaits} -> ${b.report.coldStartWaits}`);
    assert.ok(b.report.idleReplicaSeconds >= a.report.idleReplicaSeconds, `${at}: idle ${a.report.idleReplicaSeconds} -> ${b.report.idleReplicaSeconds}`);
  }
  const first = runs[0]!.report;
  const last = runs[runs.length - 1]!.report;
  assert.ok(last.coldStartWaits < first.coldStartWaits, "the sweep spans a real trade-off: fewer cold starts at the long end");
  assert.ok(last.idleReplicaSeconds > first.idleReplicaSeconds, "and more idle time");
}

test("a longer scaledownAfter never adds cold starts or removes idle time: LLM code trace", () => {
  const base = validScaling({ replicas: [0, 1], metric: { concurrency: 1000 } }, "test");
  const { source } = openTrace({ format: "azure-llm", path: traces.llmCode });
  const out = runPlan({
    source,
    options: { scaling: base, coldStart: parseDistribution("lognormal:3s,0.5", "test"), seed: 7 },
    sweep: parseSweep(`scaledownAfter=${values}`, base),
  });
  assertMonotone(out.sweep!);
});

test("a longer scaledownAfter never adds cold starts or removes idle time: functions trace, several apps", () => {
  const base = validScaling({ replicas: [0, 1] }, "test");
  const { source } = openTrace({ format: "azure-functions", path: traces.fnInvocationsSlice, durationsPath: traces.fnDurationsSlice, seed: 3 });
  const out = runPlan({
    source,
    options: { scaling: base, coldStart: parseDistribution("1s", "test"), seed: 3 },
    sweep: parseSweep(`scaledownAfter=${values}`, base),
    paper: false,
  });
  assertMonotone(out.sweep!);
});
