/**
 * The time range of `GET /api/v1/apps/:name/metrics?from=&to=&step=` (docs/api.md): ms epoch
 * bounds and a bucket step, with defaults a chart can use as is. Without `from`/`to` the range
 * is the last 15 minutes; without `step` it is the smallest "round" step (1 s, 2 s, 5 s, 10 s,
 * 15 s, 30 s, 1 min, ...) that gives at most 900 points: 15 min -> 1 s, 1 h -> 5 s,
 * 24 h -> 2 min. A range backwards, a step under 1 s, or more than 10,000 points is a 400.
 */
import { EbbError } from "../kit/errors.js";
import type { MetricsRange } from "../control/types.js";
import { intParam } from "./request.js";

export const metricsRangeDefaults = Object.freeze({
  /** Span when `from` is not given, back from `to`. */
  spanMs: 15 * 60_000,
  /** Points the default step aims at, at most. */
  targetPoints: 900,
  /** Points a query may ask for, at most. */
  maxPoints: 10_000,
  /** Smallest step; the history's finest resolution. */
  minStepMs: 1000,
});

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const roundStepsMs = [1, 2, 5, 10, 15, 30].map((n) => n * second).concat([1, 2, 5, 10, 15, 30].map((n) => n * minute), [1, 2, 3, 6, 12, 24].map((n) => n * hour));

/** The smallest round step of at least `ms`; past a day, whole days. */
export function roundStepMs(ms: number): number {
  for (const step of roundStepsMs) if (step >= ms) return step;
  return Math.ceil(ms / (24 * hour)) * 24 * hour;
}

/** Reads and checks the range in `query`, filling defaults as of `nowMs`. */
export function metricsRange(query: URLSearchParams, nowMs: number): MetricsRange {
  const d = metricsRangeDefaults;
  const max = Number.MAX_SAFE_INTEGER;
  const toMs = intParam(query, "to", 0, max) ?? nowMs;
  const fromMs = intParam(query, "from", 0, max) ?? Math.max(0, toMs - d.spanMs);
  if (fromMs >= toMs) {
    throw new EbbError("API_BAD_REQUEST", `'from' (${fromMs}) must be before 'to' (${toMs})`, { from: fromMs, to: toMs });
  }
  const span = toMs - fromMs;
  const stepMs = intParam(query, "step", d.minStepMs, max) ?? roundStepMs(Math.max(d.minStepMs, Math.ceil(span / d.targetPoints)));
  const points = Math.ceil(span / stepMs);
  if (points > d.maxPoints) {
    throw new EbbError("API_BAD_REQUEST", `${points} points asked (range ${span} ms / step ${stepMs} ms); at most ${d.maxPoints}: use a larger step`, {
      from: fromMs,
      to: toMs,
      step: stepMs,
    });
  }
  return { fromMs, toMs, stepMs };
}
