/**
 * The functions trace as the replay sees it, against the file read plainly here: every app's
 * count in every minute is kept by the Poisson spreading, the arrivals of all apps come in time
 * order, and each lies inside its minute.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { readDurations, readFunctionsTrace } from "../src/sim/index.js";
import { traces } from "./sim-traces.js";

function countsFromFile(path: string): Map<string, number> {
  const [head, ...rows] = readFileSync(path, "utf8").trim().split("\n");
  const minutes = head!.split(",").slice(4).map(Number);
  const counts = new Map<string, number>();
  for (const row of rows) {
    const f = row.split(",");
    minutes.forEach((m, i) => {
      const n = Number(f[i + 4]);
      if (n > 0) counts.set(`${f[1]}@${m}`, (counts.get(`${f[1]}@${m}`) ?? 0) + n);
    });
  }
  return counts;
}

test("the spreading keeps each app's count in each minute of the whole trace, in time order", () => {
  const want = countsFromFile(traces.fnInvocations);
  const source = readFunctionsTrace(traces.fnInvocations, { seed: 11, durations: readDurations(traces.fnDurations) });
  const got = new Map<string, number>();
  let prev = -Infinity;
  let withService = 0;
  let total = 0;
  for (const r of source.requests) {
    assert.ok(r.timeMs >= prev, "time order");
    prev = r.timeMs;
    const key = `${r.app}@${Math.floor(r.timeMs / 60_000)}`;
    got.set(key, (got.get(key) ?? 0) + 1);
    if (r.serviceMs !== undefined) withService++;
    total++;
  }
  assert.deepEqual(got, want);
  assert.equal(withService, total, "every function of the trace has a durations row");
  assert.equal(source.apps!.length, new Set([...want.keys()].map((k) => k.split("@")[0])).size);
});
