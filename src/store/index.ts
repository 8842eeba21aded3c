/**
 * The store's public surface: the Store interface and its records, the in-memory fake, the
 * limits and the store's error codes. The SQLite store is imported from "./sqlite.js" by the
 * composition root only, so that loading this index never loads the native driver.
 */
export type {
  AppRecord,
  ArrivalCount,
  ArrivalHistory,
  CompactResult,
  EventQuery,
  MetricSample,
  MetricsHistory,
  RevisionRecord,
  Store,
  StoreLimits,
} from "./types.js";
export { createMemoryStore } from "./memory.js";
export { defaultLimits, resolveLimits, type ResolvedLimits } from "./limits.js";
export type { StoreErrorCode } from "./errors.js";
