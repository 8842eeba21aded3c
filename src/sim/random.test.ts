import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { Rng, describe, meanMs, parseDistribution, rngStreams, sample } from "./random.js";

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

test("the same seed and stream give the same sequence", () => {
  assert.deepEqual(draw(new Rng(42, rngStreams.arrivals), 20), draw(new Rng(42, rngStreams.arrivals), 20));
});

test("seeds and streams give different sequences", () => {
  const base = draw(new Rng(42, rngStreams.arrivals), 5);
  assert.notDeepEqual(draw(new Rng(43, rngStreams.arrivals), 5), base);
  assert.notDeepEqual(draw(new Rng(42, rngStreams.coldStart), 5), base);
});

test("next() is uniform in [0, 1) and below(n) in [0, n)", () => {
  const rng = new Rng(1);
  let sum = 0;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 40_000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
    counts[rng.below(4)]!++;
  }
  assert.ok(Math.abs(sum / 40_000 - 0.5) < 0.01, `mean ${sum / 40_000}`);
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `bucket count ${c}`);
});

test("normal() has mean 0 and standard deviation 1", () => {
  const rng = new Rng(9);
  const xs = Array.from({ length: 40_000 }, () => rng.normal());
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.02, `sd ${sd}`);
});

test("reads every documented form", () => {
  assert.deepEqual(parseDistribution("8s", "--cold-start"), { kind: "fixed", ms: 8000 });
  assert.deepEqual(parseDistribution("fixed:500ms", "--cold-start"), { kind: "fixed", ms: 500 });
  assert.deepEqual(parseDistribution("2.5", "--cold-start"), { kind: "fixed", ms: 2500 });
  assert.deepEqual(parseDistribution("uniform:2s,5s", "--cold-start"), { kind: "uniform", minMs: 2000, maxMs: 5000 });
  assert.deepEqual(parseDistribution("lognormal:8s,0.3", "--cold-start"), { kind: "lognormal", medianMs: 8000, sigma: 0.3 });
  assert.deepEqual(parseDistribution("exp:1m", "--cold-start"), { kind: "exponential", meanMs: 60_000 });
});

test("describe() writes what parseDistribution reads back", () => {
  for (const text of ["8s", "uniform:2s,5s", "lognormal:8s,0.3", "exponential:1m30s"]) {
    const d = parseDistribution(text, "x");
    assert.deepEqual(parseDistribution(describe(d), "x"), d);
  }
});

test("malformed forms are SIM_OPTIONS_INVALID naming the flag", () => {
  for (const text of ["", "uniform:5s,2s", "uniform:2s", "lognormal:8s,-1", "gamma:1s,2", "-3s", "8 parsecs"]) {
    assert.throws(
      () => parseDistribution(text, "--cold-start"),
      (err) => isEbbError(err, "SIM_OPTIONS_INVALID") && err.message.startsWith("--cold-start: "),
      text,
    );
  }
});

test("draws are whole ms within the distribution's range, and a fixed one draws no randomness", () => {
  const rng = new Rng(5);
  const u = parseDistribution("uniform:2s,5s", "x");
  for (let i = 0; i < 1000; i++) {
    const v = sample(u, rng);
    assert.ok(Number.isInteger(v) && v >= 2000 && v <= 5000, String(v));
  }
  const a = new Rng(5);
  const b = new Rng(5);
  sample(parseDistribution("3s", "x"), a);
  assert.equal(a.next(), b.next());
});

test("sample means approach the stated means", () => {
  const rng = new Rng(11);
  for (const text of ["lognormal:8s,0.3", "exponential:2s", "uniform:1s,3s"]) {
    const d = parseDistribution(text, "x");
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += sample(d, rng);
    const mean = sum / 50_000;
    assert.ok(Math.abs(mean / meanMs(d) - 1) < 0.03, `${text}: mean ${mean} vs ${meanMs(d)}`);
  }
});
