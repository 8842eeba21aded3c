/**
 * Lifecycle of long-lived objects (servers, pools, loops, runtimes). `close()` drains: stop taking
 * work, finish what is in flight. `destroy(err)` aborts at once. Both are idempotent.
 */
export interface Closable {
  close(): Promise<void>;
  destroy(err?: Error): void;
}

/** Makes an async close idempotent: every call after the first returns the first call's promise. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
