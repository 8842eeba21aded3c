/**
 * The replay against arithmetic done by hand on a real trace (the Azure LLM code trace). With
 * replicas [0, 1], a concurrency target no burst reaches and no concurrencyLimit, there is one
 * replica at most and it takes every request at once, so the outcome follows from the arrivals:
 *
 * - ticks fall every 1000 ms from the replay's start (the first arrival, down to a whole second);
 * - the replica goes to zero on the first tick T with T >= F + scaledownAfter, where F is the
 *   latest end of a request so far (the idle rule, with its one tick of slack); an arrival at T
 *   itself still finds it (arrivals come before the tick of the same instant);
 * - an arrival that finds no replica starts one, ready a cold start later; it, and every arrival
 *   before that moment, is a cold-start wait; an arrival at the ready instant is not;
 * - a request is served from max(arrival, ready) for its service time;
 * - cost: each replica from its start to its removal (the last one to the last request's end);
 *   starting for the cold start, busy while any request is being served, idle otherwise.
 *
 * The test computes that here, independently of sim/, and compares exactly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixed, readLlmTrace, replay, listSource, type ReplayRequest } from "../src/sim/index.js";
import { traces } from "./sim-traces.js";

interface Expected {
  coldStartWaits: number;
  replicaSeconds: number;
  startingReplicaSeconds: number;
  busyReplicaSeconds: number;
  idleReplicaSeconds: number;
}

function byHand(reqs: ReadonlyArray<{ timeMs: number; serviceMs: number }>, scaledownAfterSec: number, coldMs: number): Expected {
  const start = Math.floor(reqs[0]!.timeMs / 1000) * 1000;
  const firstTickAtOrAfter = (t: number): number => start + Math.max(1, Math.ceil((t - start) / 1000)) * 1000;
  let up = false;
  let episodeStart = 0;
  let readyAt = 0;
  let lastFinish = -Infinity;
  let cold = 0;
  let replicaMs = 0;
  let startingMs = 0;
  let busyMs = 0;
  let spanStart = 0;
  let spanEnd = -Infinity;
  for (const r of reqs) {
    if (up) {
      const down = firstTickAtOrAfter(lastFinish + scaledownAfterSec * 1000);
      if (down < r.timeMs) {
        up = false;
        replicaMs += down - episodeStart;
      }
    }
    if (!up) {
      up = true;
      episodeStart = r.timeMs;
      readyAt = r.timeMs + coldMs;
      startingMs += coldMs;
      cold++;
    } else if (r.timeMs < readyAt) cold++;
    const begin = Math.max(r.timeMs, readyAt);
    const finish = begin + r.serviceMs;
    if (begin > spanEnd) {
      if (spanEnd > spanStart) busyMs += spanEnd - spanStart;
      spanStart = begin;
      spanEnd = finish;
    } else spanEnd = Math.max(spanEnd, finish);
    lastFinish = Math.max(lastFinish, finish);
  }
  busyMs += spanEnd - spanStart;
  replicaMs += lastFinish - episodeStart;
  const s = (ms: number): number => Math.round(ms) / 1000;
  return {
    coldStartWaits: cold,
    replicaSeconds: s(replicaMs),
    startingReplicaSeconds: s(startingMs),
    busyReplicaSeconds: s(busyMs),
    idleReplicaSeconds: s(replicaMs - startingMs - busyMs),
  };
}

const trace = readLlmTrace(traces.llmCode);
const withTokens = [...trace.requests].map((r) => ({ timeMs: r.timeMs, serviceMs: r.serviceMs! }));
const withFixed = withTokens.map((r) => ({ timeMs: r.timeMs, serviceMs: 700 }));

for (const [label, reqs] of [["token-model service times", withTokens], ["fixed 700 ms service times", withFixed]] as const) {
  for (const scaledownAfter of [1, 7, 30, 90]) {
    test(`cold starts and cost match the arithmetic: ${label}, scaledownAfter ${scaledownAfter} s`, () => {
      const coldMs = 2000;
      const requests: ReplayRequest[] = reqs.map((r) => ({ app: "code", ...r }));
      const report = replay(listSource(requests, { name: "code", apps: ["code"] }), {
        scaling: { replicas: [0, 1], scaledownAfter, metric: { concurrency: 1000 } },
        coldStart: fixed(coldMs),
      });
      const want = byHand(reqs, scaledownAfter, coldMs);
      assert.ok(want.coldStartWaits > 1, "the trace has idle gaps, so there is more than the first cold start");
      assert.deepEqual(
        {
          coldStartWaits: report.coldStartWaits,
          replicaSeconds: report.replicaSeconds,
          startingReplicaSeconds: report.startingReplicaSeconds,
          busyReplicaSeconds: report.busyReplicaSeconds,
          idleReplicaSeconds: report.idleReplicaSeconds,
        },
        want,
      );
      assert.equal(report.requests, reqs.length);
      assert.equal(report.peakReplicas, 1);
    });
  }
}
