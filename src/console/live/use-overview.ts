/**
 * The apps and their live traffic, shared by every page: one overview stream (a message per
 * second) for the whole console. The server sends only what changed each second; the API
 * client applies it (applyOverviewDelta), so each message here is a whole overview in which the
 * apps that did not change are the same objects as in the previous one. Against a server without the overview stream it falls back
 * to the app list plus the events stream, reloading the list (at most every `reloadGapMs`)
 * when an event arrives, and shows no traffic figures.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { isEbbError, type AppSummary, type AppTraffic, type EbbClient } from "../../api/client.js";
import { follow, type StreamState } from "./follow.js";

export interface OverviewState {
  apps: AppSummary[] | null;
  traffic: Record<string, AppTraffic> | null;
  stream: StreamState;
  error: string | null;
  /** Reloads the app list now (after an action), without waiting for the next message. */
  refresh(): void;
}

/** Least time between two list reloads in the fallback mode. */
const reloadGapMs = 500;

export function useOverview(api: EbbClient, onUnauthorized: () => void): OverviewState {
  const [apps, setApps] = useState<AppSummary[] | null>(null);
  const [traffic, setTraffic] = useState<Record<string, AppTraffic> | null>(null);
  const [stream, setStream] = useState<StreamState>("connecting");
  const [error, setError] = useState<string | null>(null);
  const unauthorized = useRef(onUnauthorized);
  unauthorized.current = onUnauthorized;

  const reload = useCallback(async () => {
    try {
      setApps(await api.listApps());
      setError(null);
    } catch (err) {
      if (isEbbError(err, "API_UNAUTHORIZED")) unauthorized.current();
      else setError(err instanceof Error ? err.message : String(err));
    }
  }, [api]);

  useEffect(() => {
    const ctl = new AbortController();
    const signal = ctl.signal;
    const onUnauth = (): void => unauthorized.current();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const scheduleReload = (): void => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), void reload()), reloadGapMs);
    };
    const fallback = (): void => {
      void reload();
      void follow((s) => api.streamEvents({}, s), scheduleReload, { signal, onUnauthorized: onUnauth });
    };
    void follow(
      (s) => api.streamOverview(s),
      (o) => {
        setApps(o.apps);
        setTraffic(o.traffic);
        setError(null);
      },
      {
        signal,
        onUnauthorized: onUnauth,
        onState: (state) => {
          setStream(state);
          if (state === "unavailable") fallback();
        },
      },
    );
    return () => {
      ctl.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, reload]);

  return { apps, traffic, stream, error, refresh: () => void reload() };
}
