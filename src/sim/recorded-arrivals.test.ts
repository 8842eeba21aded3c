import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { recordedArrivalsSource, type SecondCount } from "./recorded-arrivals.js";
import { replay } from "./replay.js";
import { validScaling } from "./sweep.js";

const s0 = 1_700_000_000;
const counts: SecondCount[] = [[s0, 1], [s0 + 1, 7], [s0 + 2, 1], [s0 + 60, 250], [s0 + 3600, 3]];

function perSecond(times: number[]): SecondCount[] {
  const out: Array<[number, number]> = [];
  for (const t of times) {
    const s = Math.floor(t / 1000);
    const last = out[out.length - 1];
    if (last && last[0] === s) last[1]++;
    else out.push([s, 1]);
  }
  return out;
}

test("every second keeps its count exactly, with times inside it, in order", () => {
  const source = recordedArrivalsSource(counts, { app: "web", seed: 7 });
  const times = [...source.requests].map((r) => {
    assert.equal(r.app, "web");
    assert.equal(r.serviceMs, undefined);
    return r.timeMs;
  });
  assert.deepEqual(perSecond(times), counts);
  assert.ok(times.every((t, i) => Number.isInteger(t) && (i === 0 || t >= times[i - 1]!)));
  const busy = times.filter((t) => Math.floor(t / 1000) === s0 + 60);
  assert.ok(busy[busy.length - 1]! - busy[0]! > 900, "250 arrivals spread over their second, not bunched");
});

test("the same counts and seed give the same requests, on every iteration; another seed moves them", () => {
  const a = recordedArrivalsSource(counts, { app: "web", seed: 3 });
  const first = [...a.requests].map((r) => r.timeMs);
  assert.deepEqual([...a.requests].map((r) => r.timeMs), first);
  assert.deepEqual([...recordedArrivalsSource(counts, { app: "web", seed: 3 }).requests].map((r) => r.timeMs), first);
  assert.notDeepEqual([...recordedArrivalsSource(counts, { app: "web", seed: 4 }).requests].map((r) => r.timeMs), first);
});

test("the period defaults to the first and last recorded seconds; a wider one is kept", () => {
  const tight = recordedArrivalsSource(counts, { app: "web" });
  assert.deepEqual([tight.startMs, tight.endMs, tight.apps], [s0 * 1000, (s0 + 3601) * 1000, ["web"]]);
  const wide = recordedArrivalsSource(counts, { app: "web", startMs: (s0 - 100) * 1000, endMs: (s0 + 7200) * 1000, name: "web, last 2h" });
  assert.deepEqual([wide.startMs, wide.endMs, wide.name], [(s0 - 100) * 1000, (s0 + 7200) * 1000, "web, last 2h"]);
  const none = recordedArrivalsSource([], { app: "web" });
  assert.deepEqual([none.startMs, none.endMs, [...none.requests]], [undefined, undefined, []]);
});

test("a replay sees every recorded arrival", () => {
  const source = recordedArrivalsSource(counts, { app: "web", startMs: (s0 - 10) * 1000, endMs: (s0 + 4000) * 1000 });
  const report = replay(source, { scaling: validScaling({ replicas: [0, 2], scaledownAfter: 30 }, "test") });
  assert.equal(report.requests, 262);
  assert.equal(report.durationSeconds, 4010);
});

test("malformed counts are SIM_TRACE_INVALID naming the row", () => {
  const bad: Array<[SecondCount[], RegExp]> = [
    [[[s0, 1], [s0, 2]], /row 2: seconds must be whole and increasing/],
    [[[s0 + 1, 1], [s0, 2]], /row 2: seconds must be whole and increasing/],
    [[[s0 + 0.5, 1]], /row 1: seconds/],
    [[[s0, 0]], /row 1: count must be a whole number >= 1, got 0/],
    [[[s0, 1.5]], /row 1: count/],
  ];
  for (const [rows, message] of bad) {
    assert.throws(() => recordedArrivalsSource(rows, { app: "web" }), (err: unknown) => isEbbError(err, "SIM_TRACE_INVALID") && message.test(err.message));
  }
  assert.throws(() => recordedArrivalsSource(counts, { app: "web", startMs: (s0 + 1) * 1000 }), /before the period's start/);
  assert.throws(() => recordedArrivalsSource(counts, { app: "web", endMs: (s0 + 3600) * 1000 }), /after the period's end/);
});
