/**
 * How the console writes numbers, times and apps for people: compact, with units, and "-" for
 * what is not known. Times are local (users read them next to their own clocks). Also the apps
 * list's rows: each app joined with its live traffic from the overview stream.
 */
import type { AppTraffic, AppSummary } from "../../api/client.js";

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** "14:02:07" in local time, from an ISO string or ms epoch; with `ms`, "14:02:07.315". */
export function clockTime(time: string | number, ms = false): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  const base = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return ms ? `${base}.${String(d.getMilliseconds()).padStart(3, "0")}` : base;
}

/** "2025-03-01 14:02:07" in local time. */
export function dateTime(time: string | number): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return String(time);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${clockTime(d.getTime())}`;
}

/** How long ago `time` was, as of `nowMs`: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(time: string | number, nowMs: number): string {
  const t = typeof time === "number" ? time : Date.parse(time);
  if (Number.isNaN(t)) return "-";
  const sec = Math.max(0, Math.round((nowMs - t) / 1000));
  if (sec < 5) return "just now";
  if (sec < 90) return `${sec} s ago`;
  if (sec < 90 * 60) return `${Math.round(sec / 60)} min ago`;
  if (sec < 36 * 3600) return `${Math.round(sec / 3600)} h ago`;
  return `${Math.round(sec / 86400)} d ago`;
}

/** A latency: "0.4 ms", "12 ms", "1.25 s"; "-" when unknown. */
export function millis(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 10) return `${round(ms, 1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${round(ms / 1000, 2)} s`;
}

/** A request rate: "0", "0.3/s", "12/s", "1.2k/s". */
export function rate(rps: number | null | undefined): string {
  if (rps === null || rps === undefined || !Number.isFinite(rps)) return "-";
  if (rps === 0) return "0";
  if (rps < 10) return `${round(rps, 1)}/s`;
  if (rps < 1000) return `${Math.round(rps)}/s`;
  return `${round(rps / 1000, 1)}k/s`;
}

/** A number with at most `digits` decimals, without trailing zeros: round(0.1333, 2) === 0.13. */
export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A duration in seconds for settings: 300 -> "5 min", 90 -> "90 s", 5400 -> "1.5 h". */
export function seconds(sec: number): string {
  if (sec < 120) return `${round(sec, 1)} s`;
  if (sec < 3600) return `${round(sec / 60, 1)} min`;
  return `${round(sec / 3600, 1)} h`;
}

export type Tone = "ok" | "warn" | "bad" | "idle" | "busy";

/** The colour family of an app's state, for its badge. */
export function statusTone(app: Pick<AppSummary, "status" | "desiredState">): Tone {
  const { deploymentStatus, substate } = app.status;
  if (deploymentStatus === "FAILED" || substate === "CRASH_LOOP" || substate === "OOM_KILLED") return "bad";
  if (substate === "INSUFFICIENT_CAPACITY") return "warn";
  if (deploymentStatus === "STOPPED" || substate === "SCALED_TO_ZERO") return "idle";
  if (deploymentStatus === "ACTIVE" && substate === "RUNNING") return "ok";
  return "busy";
}

/** "ACTIVE · SCALED_TO_ZERO" as readable words: "Active · scaled to zero". */
export function statusText(app: Pick<AppSummary, "status">): string {
  const { deploymentStatus, substate } = app.status;
  const head = deploymentStatus.charAt(0) + deploymentStatus.slice(1).toLowerCase();
  return substate ? `${head} · ${substate.toLowerCase().replaceAll("_", " ")}` : head;
}

/** The metric target in words: "10 in flight" or "50 req/s" per replica. */
export function targetText(app: Pick<AppSummary, "spec">): string {
  const m = app.spec.scaling.metric;
  return "concurrency" in m ? `${m.concurrency} in flight` : `${m.requestRate} req/s`;
}

export interface AppRow {
  name: string;
  app: AppSummary;
  traffic: AppTraffic | null;
}

export function appRows(apps: readonly AppSummary[], traffic: Readonly<Record<string, AppTraffic>> | null): AppRow[] {
  return [...apps]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((app) => ({ name: app.name, app, traffic: traffic?.[app.name] ?? null }));
}

/** "1/2" ready over desired, with the starting and draining counts when there are any. */
export function replicaText(app: AppSummary): string {
  const r = app.status.replicas;
  const extra = [r.starting ? `${r.starting} starting` : "", r.draining ? `${r.draining} draining` : ""].filter(Boolean);
  return `${r.ready}/${r.desired}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

/** "0–3" from `replicas: [min, max]`. */
export function boundsText(app: AppSummary): string {
  const [min, max] = app.spec.scaling.replicas;
  return `${min}–${max}`;
}
