import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isEbbError } from "../kit/errors.js";
import { durationKey, readDurations, sampleDuration } from "./durations.js";
import { Rng } from "./random.js";

const dir = mkdtempSync(join(tmpdir(), "ebb-sim-dur-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const header =
  "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n";

function file(text: string): string {
  const path = join(dir, `d${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, text);
  return path;
}

test("reads one row of percentile points per function", () => {
  const table = readDurations(file(header + "o,a,f,60,10,1,900,10,20,30,40,50,60,100\n"));
  assert.deepEqual([...table.get(durationKey("a", "f"))!], [10, 20, 30, 40, 50, 60, 100]);
});

test("draws stay within the 0th and 100th percentiles and follow the middle ones", () => {
  const points = new Float64Array([10, 20, 30, 40, 50, 60, 100]);
  const rng = new Rng(3);
  const draws = Array.from({ length: 20_000 }, () => sampleDuration(points, rng)).sort((a, b) => a - b);
  assert.ok(draws[0]! >= 10 && draws[draws.length - 1]! <= 100);
  const median = draws[draws.length / 2]!;
  assert.ok(Math.abs(median - 40) <= 1, `median ${median}`);
  const q1 = draws[draws.length / 4]!;
  assert.ok(Math.abs(q1 - 30) <= 1, `q1 ${q1}`);
});

test("a missing column or a bad value is SIM_TRACE_INVALID at its place", () => {
  assert.throws(() => readDurations(file("HashApp,HashFunction\n"), "d.csv"), (err) => isEbbError(err, "SIM_TRACE_INVALID") && err.message.startsWith("d.csv:1:1: the header has no percentile_Average_0"));
  assert.throws(
    () => readDurations(file(header + "o,a,f,60,10,1,900,10,20,x,40,50,60,100\n"), "d.csv"),
    (err) => isEbbError(err, "SIM_TRACE_INVALID") && err.message.startsWith("d.csv:2:25: percentile_Average_25 must be a number"),
  );
});
