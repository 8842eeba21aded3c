/**
 * The contract cases for the histories every Store keeps: arrivals (sparse, additive, bounded)
 * and metric samples (aggregated per step, downsampled and dropped by age). Run by
 * storeContract (contract.ts); times here are explicit, nothing reads a clock.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { MetricSample, Store, StoreLimits } from "./types.js";

/** Opens a fresh, empty store honouring the given limits. */
export type OpenStore = (limits?: StoreLimits) => Store | Promise<Store>;

export async function withStore(open: OpenStore, limits: StoreLimits | undefined, fn: (store: Store) => void): Promise<void> {
  const store = await open(limits);
  try {
    fn(store);
  } finally {
    await store.close();
  }
}

export const hasCode = (code: string) => (err: unknown) => (err as { code?: unknown }).code === code;

/** A minute-aligned ms epoch (2023-11-14T22:13:00Z), so buckets are easy to read. */
const T = 28_333_333 * 60_000;
const minute = 60_000;
const hour = 3600_000;

function sample(app: string, time: number, over: Partial<MetricSample> = {}): MetricSample {
  return { app, time, desired: 1, ready: 1, inflight: 0, requests: 0, errors: 0, p50Ms: null, p99Ms: null, coldStarts: 0, ...over };
}

export function historyContract(open: OpenStore): void {
  describe("arrivals", () => {
    test("counts of one second add up, zero counts store nothing, reads are ascending in [from, to)", () =>
      withStore(open, undefined, (s) => {
        s.recordArrivals("a", [[105, 2], [100, 1], [103, 0]]);
        s.recordArrivals("a", [[105, 3], [101, 4]]);
        assert.deepEqual(s.listArrivals("a", 0, 1000), [[100, 1], [101, 4], [105, 5]]);
        assert.deepEqual(s.listArrivals("a", 101, 105), [[101, 4]]);
        assert.deepEqual(s.listArrivals("b", 0, 1000), []);
      }));

    test("seconds older than the retention, counted from the app's newest second, are pruned per app", () =>
      withStore(open, { arrivalRetentionSec: 10 }, (s) => {
        s.recordArrivals("a", [[100, 1], [105, 1]]);
        s.recordArrivals("b", [[50, 1]]);
        s.recordArrivals("a", [[110, 1]]);
        assert.deepEqual(s.listArrivals("a", 0, 1000), [[105, 1], [110, 1]]);
        assert.deepEqual(s.listArrivals("b", 0, 1000), [[50, 1]]);
      }));

    test("at most arrivalRowsPerApp rows per app, the oldest dropped", () =>
      withStore(open, { arrivalRowsPerApp: 3 }, (s) => {
        s.recordArrivals("a", [[1, 1], [5, 1], [9, 1], [20, 1]]);
        s.recordArrivals("a", [[7, 2]]);
        assert.deepEqual(s.listArrivals("a", 0, 100), [[7, 2], [9, 1], [20, 1]]);
      }));

    test("pruneArrivals drops every app's seconds before the cut and counts them", () =>
      withStore(open, undefined, (s) => {
        s.recordArrivals("a", [[1, 1], [2, 1], [3, 1]]);
        s.recordArrivals("b", [[2, 1], [9, 1]]);
        assert.equal(s.pruneArrivals(3), 3);
        assert.deepEqual(s.listArrivals("a", 0, 100), [[3, 1]]);
        assert.deepEqual(s.listArrivals("b", 0, 100), [[9, 1]]);
      }));

    test("a fractional second fails with STORE_INVALID_ARGUMENT and stores nothing of the batch", () =>
      withStore(open, undefined, (s) => {
        assert.throws(() => s.recordArrivals("a", [[1, 1], [1.5, 1]]), hasCode("STORE_INVALID_ARGUMENT"));
        assert.deepEqual(s.listArrivals("a", 0, 100), []);
      }));
  });

  describe("samples", () => {
    test("buckets take the max of gauges and percentiles, the sum of counters", () =>
      withStore(open, undefined, (s) => {
        s.recordSamples([
          sample("a", T, { desired: 2, ready: 1, inflight: 3, requests: 10, errors: 1, p50Ms: 5, p99Ms: 40, coldStarts: 1 }),
          sample("a", T + 1000, { desired: 3, ready: 2, inflight: 1, requests: 20, p50Ms: 7, p99Ms: 30 }),
          sample("a", T + 2500, { desired: 1, ready: 3, requests: 5, errors: 2 }),
          sample("a", T + 10_000, { requests: 1 }),
        ]);
        assert.deepEqual(s.querySamples("a", T, T + minute, 10_000), [
          sample("a", T, { desired: 3, ready: 3, inflight: 3, requests: 35, errors: 3, p50Ms: 7, p99Ms: 40, coldStarts: 1 }),
          sample("a", T + 10_000, { requests: 1 }),
        ]);
        const times = s.querySamples("a", T, T + minute, 1000).map((m) => m.time);
        assert.deepEqual(times, [T, T + 1000, T + 2000, T + 10_000], "times are floored to the 1 s grid");
        assert.deepEqual(s.querySamples("a", T + 1000, T + 2000, 1000), [
          sample("a", T + 1000, { desired: 3, ready: 2, inflight: 1, requests: 20, p50Ms: 7, p99Ms: 30 }),
        ]);
        assert.deepEqual(s.querySamples("b", T, T + minute, 1000), []);
      }));

    test("a sample for a stored app and second replaces it; one batch carries many apps", () =>
      withStore(open, undefined, (s) => {
        const apps = Array.from({ length: 500 }, (_, i) => `app-${i}`);
        s.recordSamples(apps.map((app, i) => sample(app, T, { requests: i })));
        s.recordSamples([sample("app-7", T, { requests: 70 })]);
        assert.equal(s.querySamples("app-7", T, T + 1000, 1000)[0]?.requests, 70);
        assert.equal(s.querySamples("app-499", T, T + 1000, 1000)[0]?.requests, 499);
      }));

    test("compact folds whole minutes of 1 s rows older than an hour into 1 min rows", () =>
      withStore(open, undefined, (s) => {
        s.recordSamples([
          sample("a", T, { requests: 1, p99Ms: 10 }),
          sample("a", T + 1000, { desired: 4, requests: 2 }),
          sample("a", T + 59_000, { requests: 3, p99Ms: 30, coldStarts: 1 }),
          sample("a", T + minute, { requests: 100 }),
        ]);
        const before = s.querySamples("a", 0, T + hour, minute);
        assert.deepEqual(s.compact(T + minute + hour + 500), { downsampled: 3, dropped: 0 });
        assert.deepEqual(s.querySamples("a", 0, T + hour, 1000), [
          sample("a", T, { desired: 4, requests: 6, p99Ms: 30, coldStarts: 1 }),
          sample("a", T + minute, { requests: 100 }),
        ]);
        assert.deepEqual(s.querySamples("a", 0, T + hour, minute), before, "per-minute charts do not change");

        s.recordSamples([sample("a", T + 5000, { requests: 4, p50Ms: 8 })]);
        assert.deepEqual(s.compact(T + minute + hour + 500), { downsampled: 1, dropped: 0 });
        assert.deepEqual(s.querySamples("a", T, T + 1000, 1000), [
          sample("a", T, { desired: 4, requests: 10, p50Ms: 8, p99Ms: 30, coldStarts: 1 }),
        ]);
      }));

    test("compact drops rows of either resolution older than 48 h", () =>
      withStore(open, undefined, (s) => {
        assert.deepEqual(s.compact(T), { downsampled: 0, dropped: 0 });
        s.recordSamples([sample("a", T, { requests: 1 })]);
        assert.deepEqual(s.compact(T + 2 * hour), { downsampled: 1, dropped: 0 });
        s.recordSamples([sample("a", T + 2 * minute, { requests: 2 }), sample("a", T + 3 * minute, { requests: 3 })]);
        assert.deepEqual(s.compact(T + 48 * hour + 3 * minute), { downsampled: 1, dropped: 2 });
        assert.deepEqual(s.querySamples("a", 0, T + 49 * hour, minute), [sample("a", T + 3 * minute, { requests: 3 })]);
      }));

    test("a step under 1000 ms or fractional fails with STORE_INVALID_ARGUMENT", () =>
      withStore(open, undefined, (s) => {
        assert.throws(() => s.querySamples("a", 0, T, 500), hasCode("STORE_INVALID_ARGUMENT"));
        assert.throws(() => s.querySamples("a", 0, T, 1000.5), hasCode("STORE_INVALID_ARGUMENT"));
      }));

    test("deleting an app deletes its arrivals and samples", () =>
      withStore(open, undefined, (s) => {
        s.recordArrivals("a", [[1, 1]]);
        s.recordArrivals("b", [[1, 1]]);
        s.recordSamples([sample("a", T), sample("b", T)]);
        s.deleteApp("a");
        assert.deepEqual(s.listArrivals("a", 0, 10), []);
        assert.deepEqual(s.querySamples("a", 0, T + 1000, 1000), []);
        assert.deepEqual(s.listArrivals("b", 0, 10), [[1, 1]]);
        assert.equal(s.querySamples("b", 0, T + 1000, 1000).length, 1);
      }));
  });
}
