/**
 * Shapes the metrics history (MetricSample buckets, sparse: the server leaves out buckets with
 * nothing recorded) into the column arrays uPlot draws, on a regular grid of `stepMs`:
 * replica counts carry the last known value across a gap (an app at zero records nothing while
 * it stays there), counts of requests, errors and in-flight are 0 in a gap, and latencies are
 * null (no line) where no request finished. Times are in seconds, as uPlot expects.
 */
import type { EbbEvent, MetricSample } from "../../api/client.js";

export interface ChartRange {
  /** ms epoch, inclusive. */
  from: number;
  /** ms epoch, exclusive. */
  to: number;
  /** Bucket width in ms, a whole number of seconds. */
  step: number;
}

export interface ChartSeries {
  /** Bucket starts, in seconds. */
  time: number[];
  desired: number[];
  ready: number[];
  /** Requests per second over the bucket. */
  rps: number[];
  errorsPerSec: number[];
  inflight: number[];
  p50: Array<number | null>;
  p99: Array<number | null>;
}

export interface Marker {
  /** Seconds. */
  time: number;
  kind: "cold-start" | "scale-up" | "scale-down";
  label: string;
}

/** Most points a chart draws; the step grows with the range to stay under it. */
export const maxPoints = 900;

const sec = 1000;
const roundSteps = [1, 2, 5, 10, 15, 30].map((n) => n * sec).concat([1, 2, 5, 10, 15, 30].map((n) => n * 60 * sec), [1, 2, 3, 6, 12, 24].map((n) => n * 3600 * sec));

/**
 * The bucket width for a range: the smallest round step (1 s, 2 s, 5 s, ... 1 min, ...) giving at
 * most `maxPoints` buckets, as the server picks by default: 15 min -> 1 s, 1 h -> 5 s, 24 h -> 2 min.
 */
export function stepFor(rangeMs: number): number {
  const want = Math.max(sec, Math.ceil(rangeMs / maxPoints));
  return roundSteps.find((s) => s >= want) ?? Math.ceil(want / (24 * 3600 * sec)) * 24 * 3600 * sec;
}

/**
 * The window to chart as of `nowMs`: the last `rangeMs`, but not before the app existed (a new
 * app's chart starts at its creation, with at least `minSpanMs` shown). Edges are on the grid.
 */
export function chartRange(nowMs: number, rangeMs: number, createdAtMs: number | null, minSpanMs = 60_000): ChartRange {
  const step = stepFor(rangeMs);
  const to = Math.floor(nowMs / step) * step + step;
  let from = to - Math.ceil(rangeMs / step) * step;
  if (createdAtMs !== null && Number.isFinite(createdAtMs) && createdAtMs > from) {
    from = Math.floor(Math.min(createdAtMs, to - minSpanMs) / step) * step;
  }
  return { from, to, step };
}

/** Fills the grid of `range` from sparse samples (ascending or not; extra samples ignored). */
export function shapeSamples(samples: readonly MetricSample[], range: ChartRange): ChartSeries {
  const byBucket = new Map<number, MetricSample>();
  for (const s of samples) byBucket.set(Math.floor(s.time / range.step) * range.step, s);
  const out: ChartSeries = { time: [], desired: [], ready: [], rps: [], errorsPerSec: [], inflight: [], p50: [], p99: [] };
  // Replica counts before the first bucket: the newest sample before the range, else zero.
  let desired = 0;
  let ready = 0;
  let newestBefore = -Infinity;
  for (const s of samples) {
    if (s.time < range.from && s.time > newestBefore) {
      newestBefore = s.time;
      desired = s.desired;
      ready = s.ready;
    }
  }
  const perSec = 1000 / range.step;
  for (let t = range.from; t < range.to; t += range.step) {
    const s = byBucket.get(t);
    if (s) {
      desired = s.desired;
      ready = s.ready;
    }
    out.time.push(t / 1000);
    out.desired.push(desired);
    out.ready.push(ready);
    out.rps.push(s ? s.requests * perSec : 0);
    out.errorsPerSec.push(s ? s.errors * perSec : 0);
    out.inflight.push(s ? s.inflight : 0);
    out.p50.push(s?.p50Ms ?? null);
    out.p99.push(s?.p99Ms ?? null);
  }
  return out;
}

/** Cold starts and changes of desired replicas inside the range, as marks on the time axis. */
export function markersFrom(events: readonly Pick<EbbEvent, "type" | "time" | "message">[], range: ChartRange): Marker[] {
  const out: Marker[] = [];
  for (const e of events) {
    const kind = e.type === "ColdStart" ? "cold-start" : e.type === "ScaledUp" ? "scale-up" : e.type === "ScaledDown" || e.type === "ScaledToZero" ? "scale-down" : null;
    if (!kind) continue;
    const ms = Date.parse(e.time);
    if (Number.isNaN(ms) || ms < range.from || ms >= range.to) continue;
    out.push({ time: ms / 1000, kind, label: e.message });
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Totals over the samples, for the figures above the charts. */
export function totals(samples: readonly MetricSample[]): { requests: number; errors: number; coldStarts: number } {
  let requests = 0;
  let errors = 0;
  let coldStarts = 0;
  for (const s of samples) {
    requests += s.requests;
    errors += s.errors;
    coldStarts += s.coldStarts;
  }
  return { requests, errors, coldStarts };
}
