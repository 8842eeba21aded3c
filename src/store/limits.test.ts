import { test } from "node:test";
import assert from "node:assert/strict";
import { compactionCuts, defaultLimits, resolveLimits } from "./limits.js";
import { guardClosed, pageLimit } from "./errors.js";

const code = (c: string) => (err: unknown) => (err as { code?: unknown }).code === c;

test("limits: defaults filled in, overrides kept, result frozen", () => {
  const limits = resolveLimits({ eventRetentionPerApp: 5 });
  assert.deepEqual(limits, { ...defaultLimits, eventRetentionPerApp: 5 });
  assert.equal(defaultLimits.arrivalRetentionSec, 604_800);
  assert.ok(Object.isFrozen(limits));
});

test("limits: zero, negative and fractional bounds are refused with STORE_INVALID_ARGUMENT", () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => resolveLimits({ arrivalRowsPerApp: bad }), code("STORE_INVALID_ARGUMENT"));
  }
});

test("compaction cuts fall on whole minutes an hour and two days back", () => {
  const now = Date.UTC(2025, 0, 3, 10, 30, 25);
  assert.deepEqual(compactionCuts(now), { foldBefore: Date.UTC(2025, 0, 3, 9, 30), dropBefore: Date.UTC(2025, 0, 1, 10, 30) });
});

test("pageLimit: default when absent, capped at 10,000, refuses negatives and fractions", () => {
  assert.equal(pageLimit(undefined, 50), 50);
  assert.equal(pageLimit(0, 50), 0);
  assert.equal(pageLimit(1e9, 50), 10_000);
  assert.throws(() => pageLimit(-1, 50), code("STORE_INVALID_ARGUMENT"));
  assert.throws(() => pageLimit(0.5, 50), code("STORE_INVALID_ARGUMENT"));
});

test("guardClosed leaves close and destroy callable and fails everything else once closed", () => {
  let closed = false;
  const guarded = guardClosed({ read: () => 1, close: async () => void (closed = true), destroy: () => void (closed = true) }, () => closed);
  assert.equal(guarded.read(), 1);
  guarded.destroy();
  guarded.destroy();
  assert.throws(() => guarded.read(), code("STORE_CLOSED"));
});

