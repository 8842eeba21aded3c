import { test } from "node:test";
import assert from "node:assert/strict";
import { formatAdviceTable } from "./advise-format.js";
import { adviseCandidates, chooseAdvice, type AdviseRun } from "./advise.js";
import type { SimReport } from "./report.js";
import { validScaling } from "./sweep.js";

const scaling = validScaling({ replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 }, concurrencyLimit: 40 }, "test");

test("the grid: scaledownAfter from 0 to 1 h with the app's own, times the target at x0.5, x1, x2", () => {
  const c = adviseCandidates(scaling);
  assert.equal(c.length, 27);
  assert.deepEqual([...new Set(c.map((x) => x.scaledownAfter))], [0, 30, 60, 120, 300, 600, 1200, 1800, 3600]);
  assert.deepEqual(c.slice(0, 3).map((x) => [x.metric, x.factor]), [[{ concurrency: 5 }, 0.5], [{ concurrency: 10 }, 1], [{ concurrency: 20 }, 2]]);
  assert.deepEqual(c.filter((x) => x.current).map((x) => [x.scaledownAfter, x.metric]), [[300, { concurrency: 10 }]]);
  assert.ok(c.every((x) => x.scaling.replicas[1] === 3 && x.scaling.concurrencyLimit === 40 && x.scaling.scaledownAfter === x.scaledownAfter));

  const odd = adviseCandidates(validScaling({ scaledownAfter: 90, metric: { requestRate: 1 } }, "test"));
  assert.deepEqual([...new Set(odd.map((x) => x.scaledownAfter))], [0, 30, 60, 90, 120, 300, 600, 1200, 1800, 3600]);
  assert.deepEqual(odd.slice(0, 2).map((x) => [x.metric, x.factor]), [[{ requestRate: 1 }, 1], [{ requestRate: 2 }, 2]], "x0.5 of 1 is below the spec's minimum: dropped");
});

function report(coldStartWaits: number, replicaSeconds: number, requests = 1000): SimReport {
  return {
    trace: "t",
    apps: 1,
    durationSeconds: 3600,
    requests,
    served: requests,
    coldStartWaits,
    coldStartRate: coldStartWaits / requests,
    timeouts: 0,
    rejected: 0,
    replicaSeconds,
    idleReplicaSeconds: replicaSeconds / 2,
    busyReplicaSeconds: replicaSeconds / 2,
    startingReplicaSeconds: 0,
    latency: { p50: 0.05, p95: 0.1, p99: 0.2, mean: 0.06, max: 1 },
    peakReplicas: 2,
    replicaStarts: coldStartWaits,
    scalingActions: { up: 1, down: 1 },
  };
}

function runs(figures: Array<[cold: number, replicaSec: number]>, currentAt = 0): AdviseRun[] {
  const grid = adviseCandidates(scaling, { targetFactors: [1], scaledownAfterGridSec: figures.map((_, i) => i * 60) });
  return figures.map(([cold, rs], i) => ({ candidate: { ...grid[i]!, current: i === currentAt }, report: report(cold, rs) }));
}

test("rule 1: the fewest replica-seconds among the settings within the cold-start budget", () => {
  const r = runs([[200, 100], [20, 300], [11, 500], [0, 3000]]);
  const advice = chooseAdvice(r, 0.015);
  assert.deepEqual([advice.chosen, advice.withinBudget, advice.current], [2, true, 0]);
  assert.match(advice.rule, /fewest replica-seconds .* at most 1\.50 %/);
  assert.equal(chooseAdvice(r, 0.02).chosen, 1, "a rate equal to the budget is within it");
  assert.equal(chooseAdvice(r, 0.01).chosen, 3);
  assert.equal(chooseAdvice(r, 0.2).chosen, 0);
});

test("ties: fewer cold-start waits, then the current setting, then grid order", () => {
  assert.equal(chooseAdvice(runs([[5, 500], [3, 500], [9, 800]]), 0.01).chosen, 1);
  assert.equal(chooseAdvice(runs([[5, 500], [5, 500], [5, 500]], 2), 0.01).chosen, 2);
  assert.equal(chooseAdvice(runs([[5, 500], [5, 500]], 9), 0.01).chosen, 0);
});

test("a tie across targets goes to the app's own target (x1)", () => {
  const grid = adviseCandidates(scaling, { scaledownAfterGridSec: [60] }).slice(0, 3);
  const tied = grid.map((candidate) => ({ candidate, report: report(5, 500) }));
  assert.deepEqual(grid.map((c) => [c.factor, c.current]), [[0.5, false], [1, false], [2, false]]);
  assert.equal(chooseAdvice(tied, 0.01).chosen, 1);
});

test("rule 2: with no setting within the budget, the fewest cold-start waits, saying so", () => {
  const advice = chooseAdvice(runs([[300, 100], [120, 900], [120, 700], [400, 50]]), 0.01);
  assert.deepEqual([advice.chosen, advice.withinBudget], [2, false]);
  assert.match(advice.rule, /no setting keeps cold-start waits within 1\.00 %: the fewest cold-start waits/);
});

test("the table marks the recommended row and names the current one", () => {
  const r = runs([[200, 100], [10, 500], [0, 3000]], 2);
  const lines = formatAdviceTable(r, chooseAdvice(r, 0.01)).trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^\s+scaledownAfter\s+concurrency\s+cold waits\s+cold %\s+replica-s/);
  assert.match(lines[2]!, /^\*\s+1m\s+10 \(x1\)\s+10\s+1\.00\s+500\.0\s.*recommended$/);
  assert.match(lines[3]!, /^\s+2m\s+10 \(x1\)\s+0\s+0\.00\s+3,000\.0\s.*current$/);
  assert.doesNotMatch(lines[1]!, /^\*|recommended|current/);
});
