/**
 * The app page's charts over the last 15 min, 1 h or 24 h: desired vs ready replicas, request
 * rate (and errors), in-flight requests, and p50/p99 latency, all on one time axis with cold
 * starts and scaling changes marked. Without the metrics history (an older server) the charts
 * stay empty with a note saying so.
 */
import { useMemo, useState } from "preact/hooks";
import type { EbbEvent, EbbClient } from "../../api/client.js";
import { markersFrom, shapeSamples, totals } from "../model/chart-data.js";
import { millis, rate, round } from "../model/format.js";
import { useMetrics } from "../live/use-metrics.js";
import { TimeChart, type LineDef } from "./time-chart.js";

export const ranges = [
  { label: "15 min", ms: 15 * 60_000 },
  { label: "1 h", ms: 60 * 60_000 },
  { label: "24 h", ms: 24 * 60 * 60_000 },
] as const;

interface Props {
  api: EbbClient;
  name: string;
  createdAtMs: number | null;
  events: EbbEvent[];
  onUnauthorized: () => void;
}

export function ChartsPanel({ api, name, createdAtMs, events, onUnauthorized }: Props) {
  const [rangeMs, setRangeMs] = useState<number>(ranges[0].ms);
  const lastScaling = useMemo(() => [...events].reverse().find((e) => e.type === "ColdStart" || e.type.startsWith("Scaled"))?.id ?? 0, [events]);
  const m = useMetrics(api, name, rangeMs, createdAtMs, lastScaling, onUnauthorized);
  const series = useMemo(() => shapeSamples(m.samples, m.range), [m.samples, m.range]);
  const markers = useMemo(() => markersFrom(events, m.range), [events, m.range]);
  const sum = useMemo(() => totals(m.samples), [m.samples]);
  const xRange: [number, number] = [m.range.from / 1000, m.range.to / 1000];
  const lines = useMemo(
    () => ({
      replicas: [
        { label: "ready", values: series.ready, color: "--c-ready", stepped: true, fill: true },
        { label: "desired", values: series.desired, color: "--c-desired", stepped: true, dash: [5, 3] },
      ] as LineDef[],
      rate: [
        { label: "requests/s", values: series.rps, color: "--c-rate", fill: true },
        { label: "errors/s", values: series.errorsPerSec, color: "--c-error" },
      ] as LineDef[],
      inflight: [{ label: "in flight", values: series.inflight, color: "--c-inflight", fill: true }] as LineDef[],
      latency: [
        { label: "p50", values: series.p50, color: "--c-p50" },
        { label: "p99", values: series.p99, color: "--c-p99" },
      ] as LineDef[],
    }),
    [series],
  );
  const perSec = (v: number): string => rate(v);
  const count = (v: number): string => String(round(v, 1));

  return (
    <section class="card charts" aria-label="Charts">
      <div class="card-head">
        <h2>Traffic and replicas</h2>
        <div class="tabs" role="tablist">
          {ranges.map((r) => (
            <button key={r.label} type="button" role="tab" aria-selected={rangeMs === r.ms} onClick={() => setRangeMs(r.ms)}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <p class="chart-note" data-testid="metrics-note">
        {m.status === "unavailable"
          ? "This server keeps no metrics history yet: the charts stay empty."
          : m.status === "error"
            ? `Could not load the metrics history: ${m.error}`
            : m.status === "loading"
              ? "Loading…"
              : `${sum.requests} requests, ${sum.errors} errors, ${sum.coldStarts} cold starts in this window · step ${m.range.step / 1000} s`}
        <span class="marks">
          <i class="mark-cold" /> cold start <i class="mark-up" /> scale up <i class="mark-down" /> scale down
        </span>
      </p>
      <div class="chart-grid">
        <TimeChart id="replicas" title="Replicas: desired vs ready" time={series.time} lines={lines.replicas} markers={markers} xRange={xRange} format={count} integer />
        <TimeChart id="rate" title="Request rate" time={series.time} lines={lines.rate} markers={markers} xRange={xRange} format={perSec} />
        <TimeChart id="inflight" title="In-flight requests" time={series.time} lines={lines.inflight} markers={markers} xRange={xRange} format={count} />
        <TimeChart id="latency" title="Latency" time={series.time} lines={lines.latency} markers={markers} xRange={xRange} format={(v) => millis(v)} />
      </div>
    </section>
  );
}
