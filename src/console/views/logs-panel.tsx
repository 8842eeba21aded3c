/**
 * Live logs of one app with its scaling events interleaved, and a replica filter (the replicas
 * seen in the logs and events so far). Follows the newest line while scrolled to the bottom;
 * scrolling up holds the view still.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { EbbEvent, LogEntry, EbbClient } from "../../api/client.js";
import { clockTime } from "../model/format.js";
import { useLogs } from "../live/use-app-streams.js";

/** Most replica ids offered in the filter. */
const maxReplicas = 50;

export function LogsPanel({ api, name, events, onUnauthorized }: { api: EbbClient; name: string; events: EbbEvent[]; onUnauthorized: () => void }) {
  const [replica, setReplica] = useState<string | null>(null);
  const logs = useLogs(api, name, replica, onUnauthorized);
  const seen = useRef(new Set<string>());
  const replicas = useMemo(() => {
    for (const e of logs.entries) if (e.kind === "log" && e.replica) seen.current.add(e.replica);
    for (const e of events) if (typeof e.data.replica === "string") seen.current.add(e.data.replica);
    return [...seen.current].sort().slice(-maxReplicas);
  }, [logs.entries, events]);

  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [logs.entries]);
  useEffect(() => {
    pinned.current = true;
  }, [replica]);

  return (
    <section class="card logs" aria-label="Logs">
      <div class="card-head">
        <h2>Logs</h2>
        <label class="inline">
          Replica{" "}
          <select value={replica ?? ""} onChange={(e) => setReplica((e.target as HTMLSelectElement).value || null)} data-testid="replica-filter">
            <option value="">all replicas</option>
            {replicas.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </div>
      {logs.error && <p class="error">{logs.error}</p>}
      <div
        class="logbox"
        ref={box}
        onScroll={(e) => {
          const el = e.currentTarget as HTMLDivElement;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        data-testid="logs"
      >
        {!logs.loaded ? (
          <p class="muted">Loading…</p>
        ) : logs.entries.length === 0 ? (
          <p class="muted">No output yet{replica ? ` from ${replica}` : ""}.</p>
        ) : (
          logs.entries.map((e, i) => <LogLine key={i} entry={e} />)
        )}
      </div>
    </section>
  );
}

function LogLine({ entry }: { entry: LogEntry }) {
  if (entry.kind === "event") {
    return (
      <div class="logline ev">
        <time>{clockTime(entry.time, true)}</time>
        <span class="who">event</span>
        <span class="text">{entry.message}</span>
      </div>
    );
  }
  return (
    <div class={`logline ${entry.stream}`}>
      <time>{clockTime(entry.time, true)}</time>
      <span class="who">{entry.replica}</span>
      <span class="text">{entry.text}</span>
    </div>
  );
}
