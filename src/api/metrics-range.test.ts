import { test } from "node:test";
import assert from "node:assert/strict";
import { metricsRange, roundStepMs } from "./metrics-range.js";

const now = 1_700_000_000_000;
const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));

test("no parameters: the last 15 minutes at 1 s (900 points)", () => {
  assert.deepEqual(metricsRange(q({}), now), { fromMs: now - 900_000, toMs: now, stepMs: 1000 });
});

test("the default step is the smallest round step giving at most 900 points", () => {
  const hour = 3_600_000;
  assert.equal(metricsRange(q({ from: now - hour, to: now }), now).stepMs, 5000);
  assert.equal(metricsRange(q({ from: now - 24 * hour, to: now }), now).stepMs, 120_000);
  assert.equal(metricsRange(q({ from: now - 48 * hour, to: now }), now).stepMs, 300_000);
  assert.equal(metricsRange(q({ from: now - 10_000, to: now }), now).stepMs, 1000);
  for (const span of [1, 59_999, 900_001, 7 * 24 * hour, 400 * 24 * hour]) {
    const r = metricsRange(q({ from: now - span, to: now }), now);
    assert.ok(Math.ceil(span / r.stepMs) <= 900, `span ${span}: step ${r.stepMs}`);
  }
});

test("round steps: seconds, minutes, hours, then whole days", () => {
  assert.deepEqual([1, 1000, 1001, 14_000, 45_000, 61_000, 3_500_000, 5 * 3_600_000, 25 * 3_600_000].map(roundStepMs), [
    1000, 1000, 2000, 15_000, 60_000, 120_000, 3_600_000, 6 * 3_600_000, 2 * 24 * 3_600_000,
  ]);
});

test("from alone ends now; to alone starts 15 minutes before it; an explicit step is kept", () => {
  assert.deepEqual(metricsRange(q({ from: now - 60_000 }), now), { fromMs: now - 60_000, toMs: now, stepMs: 1000 });
  assert.deepEqual(metricsRange(q({ to: now - 60_000, step: 60_000 }), now), { fromMs: now - 960_000, toMs: now - 60_000, stepMs: 60_000 });
});

test("bad ranges are API_BAD_REQUEST naming the problem", () => {
  const cases: Array<[Record<string, string | number>, RegExp]> = [
    [{ from: now, to: now }, /'from' \(\d+\) must be before 'to'/],
    [{ from: now, to: now - 1 }, /must be before/],
    [{ from: "yesterday" }, /'from' must be an integer/],
    [{ to: -5 }, /'to' must be an integer from 0/],
    [{ step: 999 }, /'step' must be an integer from 1000/],
    [{ step: 1.5 }, /'step' must be an integer/],
    [{ from: 0, to: now, step: 1000 }, /points asked .* at most 10000: use a larger step/],
  ];
  for (const [params, message] of cases) {
    assert.throws(() => metricsRange(q(params), now), (err: Error & { code?: string }) => {
      assert.equal(err.code, "API_BAD_REQUEST");
      assert.match(err.message, message);
      return true;
    });
  }
});
