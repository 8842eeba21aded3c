/**
 * The time range of `GET /api/v1/apps/:name/arrivals?from=&to=` (docs/api.md): epoch seconds,
 * `from` included, `to` excluded. Without `to` the range ends after the current second; without
 * `from` it starts 7 days before `to`. A range backwards, or longer than the history keeps
 * (7 days, so an answer holds at most 604,800 rows), is a 400.
 */
import type { ArrivalRange } from "../control/types.js";
import { EbbError } from "../kit/errors.js";
import { defaultLimits } from "../store/limits.js";
import { intParam } from "./request.js";

export const arrivalsRangeDefaults = Object.freeze({
  /** Longest range, and the default one, in seconds: the arrivals history's retention. */
  maxSpanSec: defaultLimits.arrivalRetentionSec,
});

/** Reads and checks the range in `query`, filling defaults as of `nowMs`. */
export function arrivalsRange(query: URLSearchParams, nowMs: number): ArrivalRange {
  const max = Number.MAX_SAFE_INTEGER;
  const span = arrivalsRangeDefaults.maxSpanSec;
  const toSec = intParam(query, "to", 0, max) ?? Math.floor(nowMs / 1000) + 1;
  const fromSec = intParam(query, "from", 0, max) ?? Math.max(0, toSec - span);
  if (fromSec >= toSec) {
    throw new EbbError("API_BAD_REQUEST", `'from' (${fromSec}) must be before 'to' (${toSec})`, { from: fromSec, to: toSec });
  }
  if (toSec - fromSec > span) {
    throw new EbbError("API_BAD_REQUEST", `the range is ${toSec - fromSec} s; at most ${span} s (7 days, what the history keeps)`, {
      from: fromSec,
      to: toSec,
      maxSpanSec: span,
    });
  }
  return { fromSec, toSec };
}
