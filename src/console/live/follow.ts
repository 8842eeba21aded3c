/**
 * Keeps a live stream open: reads it, and when it ends or fails, reopens it after a back-off
 * (doubling from 0.5 s to 15 s, less up to 20% jitter so that many open pages do not all
 * reconnect to a restarted server in the same instant) until `signal` aborts. A wrong token
 * stops it and signs the page out; a route the server does not have (an older ebb) stops it
 * and reports "unavailable" so the page can fall back. `open` is called again on each reconnect, so it can resume (`after` an id).
 * What streams deliver goes into bounded buffers (the newest entries win), so a page left open
 * for days stays small.
 */
import { isEbbError } from "../../api/client.js";

export type StreamState = "connecting" | "live" | "retrying" | "unavailable";

export interface FollowOptions {
  signal: AbortSignal;
  onState?(state: StreamState): void;
  onUnauthorized?(): void;
  /** Waits between attempts; default a timer (`delay`). Tests pass one that records and returns. */
  wait?(ms: number, signal: AbortSignal): Promise<void>;
}

export async function follow<T>(open: (signal: AbortSignal) => AsyncIterable<T>, onItem: (item: T) => void, opts: FollowOptions): Promise<void> {
  const { signal } = opts;
  let attempt = 0;
  while (!signal.aborted) {
    opts.onState?.(attempt === 0 ? "connecting" : "retrying");
    try {
      let first = true;
      for await (const item of open(signal)) {
        if (first) opts.onState?.("live");
        first = false;
        attempt = 0;
        onItem(item);
      }
    } catch (err) {
      if (signal.aborted) return;
      if (isEbbError(err, "API_UNAUTHORIZED")) return opts.onUnauthorized?.();
      if (isEbbError(err, "API_NOT_FOUND")) return opts.onState?.("unavailable");
    }
    if (signal.aborted) return;
    attempt++;
    opts.onState?.("retrying");
    await (opts.wait ?? delay)(backoffMs(attempt), signal);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** The wait before attempt `attempt` (1-based): `baseMs` doubling up to `maxMs`, less up to 20% jitter from `random` (0..1). */
export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = 500, maxMs = 15_000): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp * (1 - 0.2 * random()));
}

/** `list` followed by `more`, keeping the last `max` entries. */
export function appendBounded<T>(list: readonly T[], more: readonly T[], max: number): T[] {
  const all = list.concat(more);
  return all.length > max ? all.slice(all.length - max) : all;
}

/**
 * Merges events by id (ids grow monotonically): new ones are added, ones already held are
 * replaced, the result is ascending by id and at most `max` long.
 */
export function mergeById<T extends { id: number }>(list: readonly T[], more: readonly T[], max: number): T[] {
  if (more.length === 0) return list as T[];
  const byId = new Map<number, T>();
  for (const e of list) byId.set(e.id, e);
  for (const e of more) byId.set(e.id, e);
  const all = [...byId.values()].sort((a, b) => a.id - b.id);
  return all.length > max ? all.slice(all.length - max) : all;
}
