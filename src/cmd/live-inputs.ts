/**
 * What `ebb sim --from-app` and `ebb advise` replay, read from a running server through the API
 * (docs/simulation.md, "From live traffic"): the app's spec, its recorded arrivals over the
 * period asked, and the two models the record cannot give, each from its flag, else estimated
 * from what the server recorded, else the simulator's default, with a sentence saying which.
 *
 * - The period: the last `sinceSec` (`--since`, sim-flags.ts) up to the current second
 *   included, and never before the app was created.
 * - Cold start: the median `data.totalMs` of the app's ColdStart events in the period (from the
 *   request that woke the app to the first byte of its response), as a fixed duration.
 * - Service time: the request-weighted median of the app's recorded p50 latency over the period
 *   (the last 48 h at most, what the metrics history keeps): each bucket of
 *   `GET /api/v1/apps/:name/metrics` (1 s buckets for periods up to 10,000 s, else 1 min) gives
 *   its p50 weighted by its request count, as a fixed duration. A 1 min bucket's p50 is the
 *   highest of its seconds', and latency includes any wait for a replica, so it leans high.
 */
import type { AppView, ArrivalCount, EbbClient, EbbEvent, MetricSample } from "../api/client.js";
import { EbbError } from "../kit/errors.js";
import { formatDuration } from "../spec/index.js";
import { describeDistribution, fixed, parseDistribution, recordedArrivalsSource, simDefaults, type Distribution, type ReplaySource } from "../sim/index.js";

export const liveDefaults = Object.freeze({
  /** How far back the metrics history reaches, seconds. */
  latencyHistorySec: 48 * 3600,
  /** Longest period read at 1 s resolution (the metrics API's 10,000-point bound). */
  fineLatencySpanSec: 10_000,
});

/** Code of the error for an app with no recorded arrivals. */
export const noTrafficCode = "SIM_NO_TRAFFIC";

export interface Modeled {
  distribution: Distribution;
  /** Where it came from, for reports: "--cold-start", "median of 12 recorded cold starts", ... */
  origin: string;
}

export interface LiveInputs {
  view: AppView;
  /** The period, epoch seconds [fromSec, toSec). */
  fromSec: number;
  toSec: number;
  counts: ArrivalCount[];
  requests: number;
  source: ReplaySource;
  coldStart: Modeled;
  serviceTime: Modeled;
}

export interface LiveOptions {
  sinceSec: number;
  nowMs: number;
  seed: number;
  /** From `--cold-start` / `--service-time`; estimated when absent. */
  coldStart?: Distribution;
  serviceTime?: Distribution;
}

export async function readLiveInputs(client: EbbClient, name: string, o: LiveOptions): Promise<LiveInputs> {
  const view = await client.getApp(name);
  const toSec = Math.floor(o.nowMs / 1000) + 1;
  const createdSec = Math.floor(Date.parse(view.createdAt) / 1000);
  const fromSec = Math.min(toSec - 1, Math.max(toSec - Math.ceil(o.sinceSec), Number.isFinite(createdSec) ? createdSec : 0));
  const counts = await client.arrivals(name, { from: fromSec, to: toSec });
  const requests = counts.reduce((n, [, c]) => n + c, 0);
  if (requests === 0) {
    const why = `${name} has no recorded traffic since ${isoSecond(fromSec)}: nothing to replay (requests through the gateway are recorded per second)`;
    throw new EbbError(noTrafficCode, why, { app: name, from: fromSec, to: toSec });
  }
  const source = recordedArrivalsSource(counts, {
    app: name,
    seed: o.seed,
    startMs: fromSec * 1000,
    endMs: toSec * 1000,
    name: `${name}: recorded arrivals ${isoSecond(fromSec)} to ${isoSecond(toSec)}`,
  });
  const coldStart = o.coldStart
    ? { distribution: o.coldStart, origin: "--cold-start" }
    : coldStartModel(await client.events({ app: name, limit: 10_000 }), fromSec * 1000);
  const serviceTime = o.serviceTime
    ? { distribution: o.serviceTime, origin: "--service-time" }
    : serviceTimeModel(await latencyHistory(client, name, fromSec, toSec));
  return { view, fromSec, toSec, counts, requests, source, coldStart, serviceTime };
}

/** The median totalMs of the ColdStart events at or after fromMs; else the simulator's default. */
export function coldStartModel(events: readonly EbbEvent[], fromMs: number): Modeled {
  const totals = events
    .filter((e) => e.type === "ColdStart" && Date.parse(e.time) >= fromMs)
    .map((e) => Number(e.data.totalMs))
    .filter((ms) => Number.isFinite(ms) && ms >= 0);
  if (totals.length === 0) {
    const origin = `no cold start recorded in the period: the default ${simDefaults.coldStart}`;
    return { distribution: parseDistribution(simDefaults.coldStart, "--cold-start"), origin };
  }
  const ms = weightedMedian(totals.map((t) => [t, 1]));
  return { distribution: fixed(ms), origin: `the median of ${totals.length} recorded cold start${totals.length === 1 ? "" : "s"} (wake to first byte)` };
}

/** The request-weighted median of the samples' p50Ms; else the simulator's default. */
export function serviceTimeModel(samples: readonly MetricSample[]): Modeled {
  const pairs = samples.filter((s) => s.p50Ms !== null && s.requests > 0).map((s): [number, number] => [s.p50Ms!, s.requests]);
  if (pairs.length === 0) {
    const origin = `no latency recorded in the period: the default ${simDefaults.serviceTime}`;
    return { distribution: parseDistribution(simDefaults.serviceTime, "--service-time"), origin };
  }
  const requests = pairs.reduce((n, [, w]) => n + w, 0);
  const ms = Math.max(1, Math.round(weightedMedian(pairs)));
  return { distribution: fixed(ms), origin: `the median recorded latency (p50 per bucket, weighted by its ${requests.toLocaleString("en-US")} requests)` };
}

/** The smallest value whose cumulative weight reaches half the total. */
export function weightedMedian(pairs: ReadonlyArray<readonly [value: number, weight: number]>): number {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const half = sorted.reduce((n, [, w]) => n + w, 0) / 2;
  let seen = 0;
  for (const [value, weight] of sorted) {
    seen += weight;
    if (seen >= half) return value;
  }
  return sorted[sorted.length - 1]?.[0] ?? 0;
}

async function latencyHistory(client: EbbClient, name: string, fromSec: number, toSec: number): Promise<MetricSample[]> {
  const from = Math.max(fromSec, toSec - liveDefaults.latencyHistorySec);
  const step = toSec - from <= liveDefaults.fineLatencySpanSec ? 1000 : 60_000;
  return (await client.appMetrics(name, { from: from * 1000, to: toSec * 1000, step })).samples;
}

/** A model as one line: "420ms (the median of 12 recorded cold starts ...)". */
export function describeModel(m: Modeled): string {
  return `${describeDistribution(m.distribution)}; ${m.origin}`;
}

export function isoSecond(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(".000Z", "Z");
}

/** "2025-03-01T18:00:01Z to 2025-03-08T18:00:01Z (7d)": whole days as days, else a duration. */
export function periodLabel(fromSec: number, toSec: number): string {
  const span = toSec - fromSec;
  return `${isoSecond(fromSec)} to ${isoSecond(toSec)} (${span % 86_400 === 0 ? `${span / 86_400}d` : formatDuration(span)})`;
}
