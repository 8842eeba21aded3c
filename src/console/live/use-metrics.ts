/**
 * The metrics history behind an app's charts: fetched for the chosen range, then again every
 * `refreshMs` while the page is visible (5 s at 15 min, up to a minute at 24 h: a few requests a
 * minute, not a polling storm) and soon after each scaling event (`bump` changes). A server
 * without the metrics route leaves the charts empty with a note ("unavailable").
 */
import { useEffect, useState } from "preact/hooks";
import { isEbbError, type MetricSample, type EbbClient } from "../../api/client.js";
import { chartRange, type ChartRange } from "../model/chart-data.js";

export type MetricsStatus = "loading" | "ok" | "unavailable" | "error";

export interface AppMetrics {
  range: ChartRange;
  samples: MetricSample[];
  status: MetricsStatus;
  error: string | null;
}

/** How often the history is fetched again for a range: five buckets, between 3 s and 60 s. */
export function refreshMsFor(range: ChartRange): number {
  return Math.min(60_000, Math.max(3000, range.step * 5));
}

export function useMetrics(api: EbbClient, name: string, rangeMs: number, createdAtMs: number | null, bump: number, onUnauthorized: () => void): AppMetrics {
  const [state, setState] = useState<AppMetrics>(() => ({ range: chartRange(Date.now(), rangeMs, createdAtMs), samples: [], status: "loading", error: null }));

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = async (): Promise<void> => {
      const range = chartRange(Date.now(), rangeMs, createdAtMs);
      try {
        const { samples } = await api.appMetrics(name, { from: range.from, to: range.to, step: range.step });
        if (ctl.signal.aborted) return;
        setState({ range, samples, status: "ok", error: null });
      } catch (err) {
        if (ctl.signal.aborted) return;
        if (isEbbError(err, "API_UNAUTHORIZED")) return onUnauthorized();
        if (isEbbError(err, "API_NOT_FOUND")) {
          stopped = true;
          return setState({ range, samples: [], status: "unavailable", error: null });
        }
        setState((s) => ({ ...s, range, status: "error", error: err instanceof Error ? err.message : String(err) }));
      }
    };
    const loop = async (): Promise<void> => {
      if (typeof document === "undefined" || !document.hidden) await load();
      if (!ctl.signal.aborted && !stopped) timer = setTimeout(loop, refreshMsFor(chartRange(Date.now(), rangeMs, createdAtMs)));
    };
    // A scaling event lands in the history within a second or so: fetch a little after it.
    timer = setTimeout(loop, bump > 0 ? 1200 : 0);
    return () => {
      ctl.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, name, rangeMs, createdAtMs, bump]);

  return state;
}
