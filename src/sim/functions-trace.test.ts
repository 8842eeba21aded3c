import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isEbbError } from "../kit/errors.js";
import { readDurations } from "./durations.js";
import { MinuteSpreader, readFunctionsTrace } from "./functions-trace.js";
import { Rng } from "./random.js";

const dir = mkdtempSync(join(tmpdir(), "ebb-sim-fn-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(text: string): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  return path;
}

const invocations = file(
  [
    "HashOwner,HashApp,HashFunction,Trigger,480,481,482,483",
    "o1,appA,f1,http,3,0,40,1",
    "o1,appA,f2,timer,2,0,10,0",
    "o2,appB,f3,queue,0,5,0,7",
    "o3,appC,f4,http,0,0,0,0",
  ].join("\n") + "\n",
);
const durations = readDurations(
  file(
    "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n" +
      "o1,appA,f1,100,1,100,100,100,100,100,100,100,100,100\n" +
      "o1,appA,f2,2000,1,2000,2000,2000,2000,2000,2000,2000,2000,2000\n",
  ),
);

function read(seed: number) {
  return [...readFunctionsTrace(invocations, { seed, durations }).requests];
}

test("per app and per minute, the counts of the trace are kept exactly, each function's too", () => {
  const reqs = read(1);
  const tally = new Map<string, number>();
  for (const r of reqs) {
    const key = `${r.app}@${Math.floor(r.timeMs / 60_000)}:${r.serviceMs ?? "none"}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  assert.deepEqual(
    Object.fromEntries([...tally].sort()),
    {
      "appA@480:100": 3,
      "appA@480:2000": 2,
      "appA@482:100": 40,
      "appA@482:2000": 10,
      "appA@483:100": 1,
      "appB@481:none": 5,
      "appB@483:none": 7,
    },
  );
});

test("arrivals come in time order across apps", () => {
  const times = read(2).map((r) => r.timeMs);
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
});

test("the spreading is deterministic for a seed and differs between seeds", () => {
  assert.deepEqual(read(7), read(7));
  assert.notDeepEqual(read(7).map((r) => r.timeMs), read(8).map((r) => r.timeMs));
});

test("the source spans the minute columns and lists every app, idle ones too", () => {
  const src = readFunctionsTrace(invocations, { durations });
  assert.equal(src.startMs, 480 * 60_000);
  assert.equal(src.endMs, 484 * 60_000);
  assert.deepEqual(src.apps, ["appA", "appB", "appC"]);
  assert.equal(src.functions, 4);
  assert.equal(src.functionsWithoutDurations, 2);
});

const bad: Array<[string, string]> = [
  ["HashOwner,HashApp,Function,Trigger,480\n", "f.csv:1:19: header column 3 must be HashFunction"],
  ["HashOwner,HashApp,HashFunction,Trigger,480,480\n", "f.csv:1:44: minute columns must be increasing"],
  ["HashOwner,HashApp,HashFunction,Trigger,480,481\no,a,f,http,1,x\n", "f.csv:2:14: minute 481 must be a whole number"],
  ["HashOwner,HashApp,HashFunction,Trigger,480,481\no,a,f,http,1\n", "f.csv:2:13: expected 6 fields"],
];

for (const [text, message] of bad) {
  test(`malformed rows are SIM_TRACE_INVALID at file:line:column (${message.slice(6)})`, () => {
    assert.throws(
      () => readFunctionsTrace(file(text), { displayName: "f.csv" }),
      (err) => isEbbError(err, "SIM_TRACE_INVALID") && err.message.startsWith(message),
    );
  });
}

function spread(count: number, seed: number, startMs = 60_000): number[] {
  const s = new MinuteSpreader(count, startMs, new Rng(seed));
  const out: number[] = [];
  while (s.left > 0) out.push(s.next());
  return out;
}

test("keeps the minute's count, in order, inside the minute, in whole ms", () => {
  for (const count of [1, 2, 17, 742, 5000]) {
    const times = spread(count, count);
    assert.equal(times.length, count);
    for (let i = 0; i < times.length; i++) {
      assert.ok(Number.isInteger(times[i]) && times[i]! >= 60_000 && times[i]! < 120_000, String(times[i]));
      if (i > 0) assert.ok(times[i]! >= times[i - 1]!);
    }
  }
});

test("deterministic for a seed, different for another", () => {
  assert.deepEqual(spread(100, 4), spread(100, 4));
  assert.notDeepEqual(spread(100, 4), spread(100, 5));
});

test("the times are uniform over the minute (as a Poisson process given its count)", () => {
  const quarters = [0, 0, 0, 0];
  for (let seed = 0; seed < 40; seed++) for (const t of spread(1000, seed, 0)) quarters[Math.floor(t / 15_000)]!++;
  for (const q of quarters) assert.ok(Math.abs(q - 10_000) < 400, `quarter count ${q}`);
});
