/**
 * The store's failures and the argument checks that raise them. Both implementations throw the
 * same EbbErrors for the same misuse, so the contract suite can hold them to it.
 */
import { EbbError } from "../kit/errors.js";
import type { ErrorCode } from "../spec/catalogue.js";

export type StoreErrorCode = Extract<ErrorCode, `STORE_${string}`>;

export function storeError(code: StoreErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown): EbbError {
  return new EbbError(code, message, details, cause === undefined ? undefined : { cause });
}

export function appNotFound(app: string): EbbError {
  return new EbbError("APP_NOT_FOUND", `no app named '${app}'`, { app });
}

export function closedError(): EbbError {
  return storeError("STORE_CLOSED", "the store is closed");
}

function invalid(what: string, value: unknown, rule: string): EbbError {
  return storeError("STORE_INVALID_ARGUMENT", `${what} must be ${rule}, got ${String(value)}`, { argument: what, value });
}

/** Most rows any list call returns. */
export const maxPage = 10_000;

/** A list limit: `fallback` when absent, an integer >= 0, capped at maxPage. */
export function pageLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 0) throw invalid("limit", limit, "an integer >= 0");
  return Math.min(limit, maxPage);
}

export function checkStepMs(stepMs: number): number {
  if (!Number.isInteger(stepMs) || stepMs < 1000) throw invalid("stepMs", stepMs, "an integer >= 1000");
  return stepMs;
}

export function checkArrival(second: number, count: number): void {
  if (!Number.isSafeInteger(second)) throw invalid("arrival second", second, "an integer epoch second");
  if (!Number.isFinite(count)) throw invalid("arrival count", count, "a finite number");
}

/** A positive integer option, for the limits. */
export function checkPositive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(name, value, "an integer >= 1");
  return value;
}

export function duplicateRevision(app: string, revision: number): EbbError {
  return storeError("STORE_INVALID_ARGUMENT", `revision ${revision} of app '${app}' is already stored`, { app, revision });
}

/**
 * Wraps every method of a store but close/destroy so that it throws STORE_CLOSED once
 * `isClosed()` is true, the same way in every implementation.
 */
export function guardClosed<T extends object>(impl: T, isClosed: () => boolean): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(impl)) {
    if (typeof value !== "function" || key === "close" || key === "destroy") out[key] = value;
    else
      out[key] = (...args: unknown[]) => {
        if (isClosed()) throw closedError();
        return (value as (...a: unknown[]) => unknown).apply(impl, args);
      };
  }
  return out as T;
}
