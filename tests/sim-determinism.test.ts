/**
 * Same trace, options and seed: the same report, to the last figure; another seed moves the
 * random parts (arrival spreading, drawn cold starts and service times).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openTrace, parseDistribution, runPlan, validScaling, type SimReport } from "../src/sim/index.js";
import { traces } from "./sim-traces.js";

function functions(seed: number): SimReport {
  const { source } = openTrace({ format: "azure-functions", path: traces.fnInvocationsSlice, durationsPath: traces.fnDurationsSlice, seed });
  const options = {
    scaling: validScaling({ replicas: [0, 4], scaledownAfter: 120, metric: { concurrency: 2 } }, "test"),
    coldStart: parseDistribution("lognormal:2s,0.4", "test"),
    seed,
  };
  return runPlan({ source, options }).report!;
}

function llm(seed: number): SimReport {
  const { source } = openTrace({ format: "azure-llm", path: traces.llmCodeSlice });
  const options = {
    scaling: validScaling({ replicas: [0, 5], scaledownAfter: 20, metric: { concurrency: 3 }, concurrencyLimit: 4 }, "test"),
    coldStart: parseDistribution("uniform:1s,6s", "test"),
    serviceTime: parseDistribution("exponential:1500ms", "test"),
    seed,
  };
  return runPlan({ source, options }).report!;
}

test("the functions trace: same seed, same report; another seed, another one", () => {
  const a = functions(21);
  assert.deepEqual(functions(21), a);
  assert.ok(a.paper, "several apps: the paper measures are there");
  assert.notDeepEqual(functions(22), a);
});

test("the LLM trace with drawn service times: same seed, same report; another seed, another one", () => {
  const a = llm(3);
  assert.deepEqual(llm(3), a);
  assert.notDeepEqual(llm(4), a);
});
