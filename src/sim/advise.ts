/**
 * What `ebb advise` sweeps and how it chooses (docs/simulation.md, "From live traffic"). The
 * grid: `scaledownAfter` over 0, 30 s, 1, 2, 5, 10, 20, 30 and 60 min plus the app's own value,
 * times the metric target at x0.5, x1 and x2 of the app's own (at least the spec's minimum of 1,
 * duplicates dropped), with the app's `replicas` and `concurrencyLimit` left as they are. Every
 * candidate goes through the spec validator (sweep.ts withValue), as a deploy would.
 *
 * The rule, applied to the replays' reports:
 * 1. Candidates whose cold-start rate (cold-start waits / requests) is at most the budget are
 *    eligible; the recommendation is the eligible one with the fewest replica-seconds.
 * 2. If none is eligible, it is the one with the fewest cold-start waits, and the advice says
 *    the budget cannot be met.
 * Ties go to fewer cold-start waits (rule 1) or fewer replica-seconds (rule 2), then to the
 * app's current setting, then to the app's own target (x1), then to the first in grid order
 * (shorter scaledownAfter, lower target): a change is recommended only where it shows.
 */
import { metricTarget, specLimits, type MetricSpec, type ScalingSpec } from "../spec/index.js";
import type { SimReport } from "./report.js";
import { withValue } from "./sweep.js";

export const adviseDefaults = Object.freeze({
  /** scaledownAfter values swept, seconds (the app's own is added). */
  scaledownAfterGridSec: Object.freeze([0, 30, 60, 120, 300, 600, 1200, 1800, 3600]),
  /** Multiples of the app's metric target swept. */
  targetFactors: Object.freeze([0.5, 1, 2]),
  /** Share of requests that may wait for a cold start: 0.01 (1 %). */
  coldStartBudget: 0.01,
});

export interface AdviseCandidate {
  scaledownAfter: number;
  metric: MetricSpec;
  /** The multiple of the current target. */
  factor: number;
  /** The whole scaling block replayed. */
  scaling: ScalingSpec;
  /** True for the app's own setting. */
  current: boolean;
}

export interface AdviseRun {
  candidate: AdviseCandidate;
  report: SimReport;
}

export interface Advice {
  /** Index in the runs of the recommended candidate. */
  chosen: number;
  /** Index of the app's current setting; -1 if no run is it. */
  current: number;
  /** False when no candidate meets the budget (rule 2 chose). */
  withinBudget: boolean;
  budget: number;
  /** The rule that chose, in one sentence. */
  rule: string;
}

export interface GridOptions {
  scaledownAfterGridSec?: readonly number[];
  targetFactors?: readonly number[];
}

/** The candidates for an app's scaling block, scaledownAfter-major, in grid order. */
export function adviseCandidates(current: ScalingSpec, opts: GridOptions = {}): AdviseCandidate[] {
  const grid = [...new Set([...(opts.scaledownAfterGridSec ?? adviseDefaults.scaledownAfterGridSec), current.scaledownAfter])].sort((a, b) => a - b);
  const target = metricTarget(current.metric);
  const targets: Array<{ value: number; factor: number }> = [];
  for (const factor of new Set([1, ...(opts.targetFactors ?? adviseDefaults.targetFactors)])) {
    const value = factor === 1 ? target : Math.max(specLimits.metricTargetMin, Math.round(target * factor * 100) / 100);
    if (!targets.some((t) => t.value === value)) targets.push({ value, factor });
  }
  targets.sort((a, b) => a.value - b.value);
  const out: AdviseCandidate[] = [];
  for (const scaledownAfter of grid) {
    for (const { value, factor } of targets) {
      const withDelay = withValue(current, "scaledownAfter", scaledownAfter, "advise");
      const scaling = withValue(withDelay, "target", value, "advise");
      out.push({ scaledownAfter, metric: scaling.metric, factor, scaling, current: factor === 1 && scaledownAfter === current.scaledownAfter });
    }
  }
  return out;
}

/** Applies the rule of the module header; `budget` is a share (0.01 = 1 %). */
export function chooseAdvice(runs: readonly AdviseRun[], budget: number): Advice {
  if (runs.length === 0) throw new RangeError("chooseAdvice needs at least one run");
  const current = runs.findIndex((r) => r.candidate.current);
  const eligible = runs.map((_, i) => i).filter((i) => runs[i]!.report.coldStartRate <= budget);
  const pct = `${(100 * budget).toFixed(2)} %`;
  const better = (key: (r: SimReport) => number, tie: (r: SimReport) => number) => (a: number, b: number) => {
    const [x, y] = [runs[a]!.report, runs[b]!.report];
    const own = (i: number) => Number(i === current) + Number(runs[i]!.candidate.factor === 1);
    return key(x) - key(y) || tie(x) - tie(y) || own(b) - own(a) || a - b;
  };
  if (eligible.length > 0) {
    const chosen = eligible.sort(better((r) => r.replicaSeconds, (r) => r.coldStartWaits))[0]!;
    return { chosen, current, withinBudget: true, budget, rule: `the fewest replica-seconds among the settings with at most ${pct} of requests waiting for a cold start` };
  }
  const chosen = runs.map((_, i) => i).sort(better((r) => r.coldStartWaits, (r) => r.replicaSeconds))[0]!;
  return { chosen, current, withinBudget: false, budget, rule: `no setting keeps cold-start waits within ${pct}: the fewest cold-start waits` };
}
