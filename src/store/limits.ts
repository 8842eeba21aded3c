/**
 * The store's bounds in one place: retention of events, conditions and arrivals, and the ages at
 * which metric samples are downsampled and dropped. Units are in the names.
 */
import type { StoreLimits } from "./types.js";
import { checkPositive } from "./errors.js";

export type ResolvedLimits = Readonly<Required<StoreLimits>>;

export const defaultLimits: ResolvedLimits = Object.freeze({
  eventRetentionPerApp: 10_000,
  conditionRetentionPerApp: 1_000,
  arrivalRetentionSec: 7 * 24 * 3600,
  arrivalRowsPerApp: 700_000,
});

/** Default page sizes of the list calls. */
export const defaultEventPage = 100;
export const defaultConditionPage = 50;

/** Metric samples: 1 s rows are kept this long before becoming 1 min rows. */
export const fineRetentionMs = 3600_000;
export const fineStepMs = 1000;
export const coarseStepMs = 60_000;
/** Metric samples older than this are dropped. */
export const coarseRetentionMs = 48 * 3600_000;

/** Fills defaults and checks every bound is a positive integer; the result is frozen. */
export function resolveLimits(opts: StoreLimits = {}): ResolvedLimits {
  const out = { ...defaultLimits };
  for (const key of Object.keys(defaultLimits) as Array<keyof ResolvedLimits>) {
    const value = opts[key];
    if (value !== undefined) out[key] = checkPositive(key, value);
  }
  return Object.freeze(out);
}

/**
 * Where compaction cuts, as of nowMs. Both cuts fall on minute boundaries, so a 1 min row is
 * only ever built from whole minutes.
 * Example: nowMs = 10:30:25 gives foldBefore = 09:30:00 and dropBefore = 10:30:00 two days back.
 */
export function compactionCuts(nowMs: number): { foldBefore: number; dropBefore: number } {
  const minute = (ms: number): number => Math.floor(ms / coarseStepMs) * coarseStepMs;
  return { foldBefore: minute(nowMs - fineRetentionMs), dropBefore: minute(nowMs - coarseRetentionMs) };
}

/** Keeps the arrival window: seconds at or before this are pruned, given the app's newest second. */
export function arrivalCutoffSec(newestSec: number, limits: ResolvedLimits): number {
  return newestSec - limits.arrivalRetentionSec;
}
