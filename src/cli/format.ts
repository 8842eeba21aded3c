/**
 * How `ebb` prints apps, events and log lines for people. Times are local, to the millisecond
 * (`2025-03-01 14:02:07.315`), since users read them next to their own clocks; `--json` output
 * bypasses this module and prints the API's objects as they are.
 */
import type { AppView, EbbEvent, LogEntry } from "../api/client.js";
import { formatDuration } from "../spec/index.js";

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** "YYYY-MM-DD HH:MM:SS.mmm" in the local time zone, from an ISO string or ms epoch. */
export function localTime(time: string | number): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** Columns separated by two spaces and padded to the widest cell; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}

function indent(text: string, prefix: string): string {
  return text.replace(/^(?=.)/gm, prefix);
}

/** `TIME  APP  TYPE  MESSAGE`, fixed widths so that followed lines stay aligned. */
export function eventLine(e: EbbEvent): string {
  return `${localTime(e.time)}  ${e.app.padEnd(12)}  ${e.type.padEnd(20)}  ${e.message}\n`;
}

/** An event as one phrase: scaling messages already start with their type ("ScaledUp 0->1: ..."). */
export function eventPhrase(e: Pick<EbbEvent, "type" | "message">): string {
  return e.message.startsWith(e.type) ? e.message : `${e.type}: ${e.message}`;
}

/** `TIME REPLICA STREAM TEXT`, or `TIME --- <event>` for an event interleaved in the logs. */
export function logLine(entry: LogEntry): string {
  if (entry.kind === "event") return `${localTime(entry.time)}  --- ${eventPhrase(entry)}\n`;
  return `${localTime(entry.time)}  ${entry.replica.padEnd(14)}  ${entry.stream.padEnd(6)}  ${entry.text}\n`;
}

export function appsTable(apps: readonly AppView[]): string {
  const rows = apps.map((a) => [
    a.name,
    a.status.deploymentStatus,
    a.status.substate ?? "-",
    `${a.status.replicas.ready}/${a.status.replicas.desired}`,
    `${a.spec.scaling.replicas[0]}-${a.spec.scaling.replicas[1]}`,
    a.url,
  ]);
  return table([["NAME", "STATUS", "SUBSTATE", "READY/DESIRED", "MIN-MAX", "URL"], ...rows]);
}

function scalingText(app: AppView): string {
  const s = app.spec.scaling;
  const target = "concurrency" in s.metric ? `${s.metric.concurrency} concurrent requests` : `${s.metric.requestRate} requests/s`;
  const limit = s.concurrencyLimit === undefined ? "" : `, at most ${s.concurrencyLimit} in flight`;
  return `${s.replicas[0]}-${s.replicas[1]} replicas, target ${target} per replica${limit}, scale down after ${formatDuration(s.scaledownAfter)} idle`;
}

function coldStartText(app: AppView): string {
  const c = app.status.lastColdStart;
  if (!c) return "none yet";
  const p = c.phases;
  const firstByte = p.firstByteMs === null ? "" : `, first byte ${p.firstByteMs} ms`;
  const waiting = `${c.waiting} request${c.waiting === 1 ? "" : "s"} waited`;
  return `${localTime(c.time)}, revision ${c.revision}, ${c.replica}: ${c.totalMs} ms (spawn ${p.spawnMs} ms, listening ${p.listeningMs} ms, ready ${p.readyMs} ms${firstByte}); ${waiting}`;
}

/** The readable form of `ebb get APP`. `conditions` is how many of the latest to show. */
export function appSummary(app: AppView, conditions = 5): string {
  const st = app.status;
  const r = st.replicas;
  const rows = [
    ["status:", `${st.deploymentStatus}${st.substate ? ` / ${st.substate}` : ""} (revision ${st.revision}, wanted ${app.desiredState})`],
    ["message:", st.message || "-"],
    ["replicas:", `${r.ready} ready of ${r.desired} desired, ${r.starting} starting, ${r.draining} draining`],
    ["scaling:", scalingText(app)],
    ["cold start:", coldStartText(app)],
    ["last request:", st.lastRequestAt ? localTime(st.lastRequestAt) : "none yet"],
    ["url:", app.url],
  ];
  let out = `${app.name}\n${indent(table(rows), "  ")}`;
  const recent = app.conditions.slice(-conditions);
  if (recent.length > 0) {
    const condRows = recent.map((c) => [localTime(c.time), c.status, c.substate ?? "-", String(c.revision), c.message]);
    out += `  conditions (latest ${recent.length}):\n`;
    out += indent(table([["TIME", "STATUS", "SUBSTATE", "REV", "MESSAGE"], ...condRows]), "    ");
  }
  return out;
}
