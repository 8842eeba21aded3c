/**
 * One app's own streams, for its page:
 * - events, for the timeline and the chart marks: the newest stored ones, then live ones from
 *   the events stream, resumed after the last id seen when the stream reconnects; kept to
 *   `maxEvents`, newest last.
 * - log lines with the events interleaved, optionally of one replica: the stream opens first
 *   and the stored tail is fetched after it, so nothing falls between the two (lines streamed
 *   before the tail arrived are kept when newer than the tail); kept to `maxLogEntries`.
 */
import { useEffect, useState } from "preact/hooks";
import { isEbbError, type EbbClient, type EbbEvent, type LogEntry } from "../../api/client.js";
import { appendBounded, follow, mergeById } from "./follow.js";

export const maxEvents = 500;

export interface AppEvents {
  events: EbbEvent[];
  loaded: boolean;
  error: string | null;
}

export function useAppEvents(api: EbbClient, name: string, onUnauthorized: () => void): AppEvents {
  const [state, setState] = useState<AppEvents>({ events: [], loaded: false, error: null });

  useEffect(() => {
    const ctl = new AbortController();
    let events: EbbEvent[] = [];
    let lastId = 0;
    const take = (more: EbbEvent[]): void => {
      events = mergeById(events, more, maxEvents);
      lastId = events.length ? events[events.length - 1]!.id : lastId;
      setState({ events, loaded: true, error: null });
    };
    setState({ events: [], loaded: false, error: null });
    void (async () => {
      try {
        take(await api.events({ app: name, limit: 300 }));
      } catch (err) {
        if (ctl.signal.aborted) return;
        if (isEbbError(err, "API_UNAUTHORIZED")) return onUnauthorized();
        setState((s) => ({ ...s, loaded: true, error: err instanceof Error ? err.message : String(err) }));
      }
      await follow((s) => api.streamEvents({ app: name, ...(lastId > 0 ? { after: lastId } : {}) }, s), (e) => take([e]), {
        signal: ctl.signal,
        onUnauthorized,
      });
    })();
    return () => ctl.abort();
  }, [api, name]); // onUnauthorized is stable for the page's lifetime

  return state;
}

export const maxLogEntries = 1000;

export interface AppLogs {
  entries: LogEntry[];
  loaded: boolean;
  error: string | null;
}

export function useLogs(api: EbbClient, name: string, replica: string | null, onUnauthorized: () => void): AppLogs {
  const [state, setState] = useState<AppLogs>({ entries: [], loaded: false, error: null });

  useEffect(() => {
    const ctl = new AbortController();
    let entries: LogEntry[] = [];
    let early: LogEntry[] | null = [];
    const opts = replica ? { replica } : {};
    setState({ entries: [], loaded: false, error: null });
    void follow(
      (s) => api.streamLogs(name, opts, s),
      (e) => {
        if (early) early = appendBounded(early, [e], maxLogEntries);
        else {
          entries = appendBounded(entries, [e], maxLogEntries);
          setState({ entries, loaded: true, error: null });
        }
      },
      { signal: ctl.signal, onUnauthorized },
    );
    void (async () => {
      let error: string | null = null;
      try {
        entries = await api.logs(name, { limit: 300, ...opts });
      } catch (err) {
        if (ctl.signal.aborted) return;
        if (isEbbError(err, "API_UNAUTHORIZED")) return onUnauthorized();
        error = err instanceof Error ? err.message : String(err);
      }
      const newest = entries.length ? timeOf(entries[entries.length - 1]!) : -Infinity;
      entries = appendBounded(entries, (early ?? []).filter((e) => timeOf(e) > newest), maxLogEntries);
      early = null;
      setState({ entries, loaded: true, error });
    })();
    return () => ctl.abort();
  }, [api, name, replica]);

  return state;
}

/** ms epoch of an entry: log lines carry a number, events an ISO string. */
export function timeOf(e: LogEntry): number {
  return typeof e.time === "number" ? e.time : Date.parse(e.time);
}
