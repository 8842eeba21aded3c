import { test } from "node:test";
import assert from "node:assert/strict";
import { LatencyHistogram } from "./histogram.js";
import { Rng } from "./random.js";

test("quantiles are within 0.5 % of the exact nearest-rank values", () => {
  const h = new LatencyHistogram();
  const rng = new Rng(2);
  const values = Array.from({ length: 20_000 }, () => Math.exp(rng.normal() * 1.5 + 6));
  for (const v of values) h.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0.5, 0.95, 0.99]) {
    const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
    const got = h.quantile(q);
    assert.ok(Math.abs(got / exact - 1) <= 0.005, `q${q}: ${got} vs ${exact}`);
  }
  assert.equal(h.count, 20_000);
  assert.equal(h.maxMs, sorted[sorted.length - 1]);
});

test("an empty histogram reads 0; a single value reads itself; zeros and huge values are kept", () => {
  const h = new LatencyHistogram();
  assert.equal(h.quantile(0.5), 0);
  h.record(1234);
  assert.equal(h.quantile(0.99), 1234);
  const z = new LatencyHistogram();
  z.record(0);
  z.record(0);
  assert.equal(z.quantile(0.5), 0);
  z.record(1e12);
  assert.equal(z.quantile(1), 1e12);
  assert.equal(z.meanMs, 1e12 / 3);
});

test("uniform latencies give the expected percentiles; negative readings count as 0", () => {
  const h = new LatencyHistogram();
  for (let ms = 1; ms <= 10_000; ms++) h.record(ms);
  h.record(-5);
  for (const [q, want] of [[0.5, 5000], [0.95, 9500], [0.99, 9900]] as const) {
    assert.ok(Math.abs(h.quantile(q) / want - 1) <= 0.005, `q${q}: ${h.quantile(q)}`);
  }
  assert.equal(h.count, 10_001);
});
