/**
 * A ReplaySource over an app's recorded arrivals: the per-second counts the gateway kept
 * (`GET /api/v1/apps/:name/arrivals`, `[epochSecond, count]` for the seconds with requests).
 * The record has no timing within a second, so each second's count is spread over that second
 * as a Poisson process, seeded: the count is kept exactly and the times are uniform order
 * statistics (functions-trace.ts MinuteSpreader, over 1,000 ms), whole ms, so second S gets
 * times in [S x 1000, S x 1000 + 999]. The same counts and seed always give the same requests.
 *
 * The counts are checked when the source is made (seconds whole and increasing, counts whole
 * and >= 1; anything else is SIM_TRACE_INVALID naming the row), so a replay never stops half
 * way. Requests carry no service time: the replay's `--service-time` or default applies.
 */
import { EbbError } from "../kit/errors.js";
import { MinuteSpreader } from "./functions-trace.js";
import { Rng, rngStreams } from "./random.js";
import type { ReplayRequest, ReplaySource } from "./types.js";

/** `[epochSecond, count]`, as the store and the API give them. */
export type SecondCount = readonly [epochSecond: number, count: number];

export interface RecordedArrivalsOptions {
  /** The app the requests go to. */
  app: string;
  /** Seed of the spreading within each second; default 1. */
  seed?: number;
  /** Name in reports; default "<app> (recorded arrivals)". */
  name?: string;
  /** Start of the recorded period, ms epoch; default the first second with arrivals. */
  startMs?: number;
  /** End of the recorded period, ms epoch; default the end of the last second with arrivals. */
  endMs?: number;
}

export function recordedArrivalsSource(counts: readonly SecondCount[], opts: RecordedArrivalsOptions): ReplaySource {
  const name = opts.name ?? `${opts.app} (recorded arrivals)`;
  checkCounts(counts, name);
  const first = counts[0];
  const last = counts[counts.length - 1];
  const startMs = opts.startMs ?? (first ? first[0] * 1000 : undefined);
  const endMs = opts.endMs ?? (last ? (last[0] + 1) * 1000 : undefined);
  if (startMs !== undefined && first && first[0] * 1000 < startMs) {
    throw invalid(name, `second ${first[0]} is before the period's start (${startMs} ms)`);
  }
  if (endMs !== undefined && last && (last[0] + 1) * 1000 > endMs) {
    throw invalid(name, `second ${last[0]} ends after the period's end (${endMs} ms)`);
  }
  return {
    name,
    apps: [opts.app],
    ...(startMs === undefined ? {} : { startMs }),
    ...(endMs === undefined ? {} : { endMs }),
    requests: { [Symbol.iterator]: () => spread(counts, opts.app, opts.seed ?? 1) },
  };
}

/** Requests in the recorded seconds, in time order. */
function* spread(counts: readonly SecondCount[], app: string, seed: number): Generator<ReplayRequest> {
  const rng = new Rng(seed, rngStreams.arrivals);
  for (const [second, count] of counts) {
    const spreader = new MinuteSpreader(count, second * 1000, rng, 1000);
    while (spreader.left > 0) yield { app, timeMs: spreader.next() };
  }
}

function checkCounts(counts: readonly SecondCount[], name: string): void {
  let prev = -Infinity;
  counts.forEach(([second, count], i) => {
    if (!Number.isSafeInteger(second) || second <= prev) {
      throw invalid(name, `row ${i + 1}: seconds must be whole and increasing, got ${second} after ${prev}`);
    }
    if (!Number.isSafeInteger(count) || count < 1) throw invalid(name, `row ${i + 1}: count must be a whole number >= 1, got ${count}`);
    prev = second;
  });
}

function invalid(name: string, message: string): EbbError {
  return new EbbError("SIM_TRACE_INVALID", `${name}: ${message}`, { trace: name });
}
