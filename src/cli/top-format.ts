/**
 * How `ebb top` draws an overview: one row per app (NAME, STATUS, SUBSTATE, READY/DESIRED,
 * MIN-MAX, RPS, P50, P99, IN-FLIGHT, LAST COLD START), apps by name. On a terminal each frame
 * redraws the screen in place with ANSI control sequences (ECMA-48: CUP `ESC [ H` moves the
 * cursor home, EL `ESC [ K` clears the rest of a line, ED `ESC [ J` clears below), so it does not
 * scroll or flicker; elsewhere snapshots are printed one after the other as plain text.
 */
import type { AppSummary, Overview } from "../api/client.js";
import { localTime, table } from "./format.js";

export const ansi = Object.freeze({
  home: "\x1b[H",
  clearScreen: "\x1b[2J",
  eraseLineEnd: "\x1b[K",
  eraseBelow: "\x1b[J",
  hideCursor: "\x1b[?25l",
  showCursor: "\x1b[?25h",
});

export const topColumns = ["NAME", "STATUS", "SUBSTATE", "READY/DESIRED", "MIN-MAX", "RPS", "P50", "P99", "IN-FLIGHT", "LAST COLD START"] as const;

/** Requests per second: one decimal under 10, whole numbers above. */
export function formatRps(rps: number): string {
  if (rps === 0) return "0";
  return rps < 9.95 ? rps.toFixed(1) : String(Math.round(rps));
}

/** Milliseconds for a latency cell: "-" when unknown, "0.8 ms", "12 ms", "1.25 s". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "12s ago", "5m ago", "3h ago", "2d ago". */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

function coldStartCell(app: AppSummary, nowMs: number): string {
  const c = app.status.lastColdStart;
  if (!c) return "-";
  return `${formatLatency(c.totalMs)}, ${formatAgo(nowMs - Date.parse(c.time))}`;
}

/** The header row and one row per app, by name. */
export function topRows(o: Overview): string[][] {
  const apps = [...o.apps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = apps.map((a) => {
    const t = o.traffic[a.name] ?? { rps: 0, inflight: 0, p50Ms: null, p99Ms: null };
    const r = a.status.replicas;
    return [
      a.name,
      a.status.deploymentStatus,
      a.status.substate ?? "-",
      `${r.ready}/${r.desired}`,
      `${a.spec.scaling.replicas[0]}-${a.spec.scaling.replicas[1]}`,
      formatRps(t.rps),
      formatLatency(t.p50Ms),
      formatLatency(t.p99Ms),
      String(t.inflight),
      coldStartCell(a, o.time),
    ];
  });
  return [[...topColumns], ...rows];
}

/** One line above the table: time, app count, total request rate. */
export function topHeading(o: Overview): string {
  let rps = 0;
  for (const name in o.traffic) rps += o.traffic[name]!.rps;
  const n = o.apps.length;
  return `ebb top  ${localTime(o.time)}  ${n} app${n === 1 ? "" : "s"}  ${formatRps(rps)} req/s`;
}

/** A snapshot as plain text: the heading, the table, a blank line. */
export function topSnapshot(o: Overview): string {
  if (o.apps.length === 0) return `${topHeading(o)}\nno apps deployed\n\n`;
  return `${topHeading(o)}\n${table(topRows(o))}\n`;
}

/**
 * A terminal frame: cursor home, each line cut to `columns` and cleared to its end, then the
 * rest of the screen cleared (a shorter table leaves nothing behind).
 */
export function topFrame(o: Overview, columns?: number): string {
  const lines = topSnapshot(o).trimEnd().split("\n");
  lines[0] += "  (Ctrl-C to quit)";
  const cut = (line: string): string => (columns !== undefined && columns > 0 && line.length > columns ? line.slice(0, columns) : line);
  return ansi.home + lines.map((l) => cut(l) + ansi.eraseLineEnd).join("\n") + "\n" + ansi.eraseBelow;
}
