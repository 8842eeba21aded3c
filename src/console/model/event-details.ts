/**
 * What an event's `data` says, read for the events timeline:
 * - a scaling event (ScaledUp, ScaledDown, ScaledToZero) carries the decision's inputs, written
 *   by control/explain.ts from the autoscaler's ScaleDecision: the rule that fired in words, and
 *   the observed load, target, window, panic state and bounds behind it;
 * - a ColdStart carries its phases (ColdStartPhases, ms from the request that woke the app),
 *   shown as the consecutive segments of one bar: spawn, listening, ready, first byte.
 * Older or foreign events may lack fields: whatever is missing is left out, never shown as zero.
 */
import type { EbbEvent } from "../../api/client.js";
import type { ColdStartPhases } from "../../spec/types.js";
import { round } from "./format.js";

export interface Fact {
  label: string;
  value: string;
}

export interface DecisionView {
  from: number;
  to: number;
  rule: string;
  /** The rule in a few words, e.g. "Panic: a burst over the short window". */
  ruleText: string;
  panicking: boolean;
  facts: Fact[];
}

const ruleTexts: Record<string, string> = {
  wake: "Wake: a request arrived at zero",
  stable: "Stable window: the average load asked for it",
  panic: "Panic: a burst over the short window",
  "scale-down-delay": "Held: the lower count must last scaledownAfter",
  idle: "Idle for scaledownAfter",
  "in-flight": "Kept up: requests are still in flight",
  min: "Clamped up to min",
  max: "Capped at max",
  "no-data": "No traffic observed yet",
};

const scalingTypes = new Set(["ScaledUp", "ScaledDown", "ScaledToZero"]);

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** The decision behind a ScaledUp/ScaledDown/ScaledToZero event; null for other events. */
export function readDecision(event: Pick<EbbEvent, "type" | "data">): DecisionView | null {
  if (!scalingTypes.has(event.type)) return null;
  const d = event.data;
  const rule = typeof d.rule === "string" ? d.rule : "unknown";
  const unit = d.metric === "requestRate" ? "req/s" : "in flight";
  const panicking = d.panicking === true || rule === "panic";
  const stableLoad = num(d.stableLoad);
  const panicLoad = num(d.panicLoad);
  const stableWin = num(d.stableWindowSec);
  const panicWin = num(d.panicWindowSec);
  const target = num(d.target);
  const facts: Fact[] = [];
  const add = (label: string, value: string | undefined): void => void (value !== undefined && facts.push({ label, value }));

  const usesPanic = rule === "panic" || panicking;
  const load = usesPanic ? panicLoad : stableLoad;
  const window = usesPanic ? panicWin : stableWin;
  if (load !== undefined) add("observed load", `${round(load)} ${unit}${window !== undefined ? ` over ${window} s` : ""}`);
  if (target !== undefined) add("target", `${round(target)} ${unit} per replica`);
  if (load !== undefined && target !== undefined && target > 0) {
    add("load / target", `${round(load)} / ${round(target)} → ${Math.ceil(round(load / target, 6))} replica(s)`);
  }
  if (stableWin !== undefined || panicWin !== undefined) {
    const parts = [stableWin !== undefined ? `stable ${stableWin} s` : "", panicWin !== undefined ? `panic ${panicWin} s` : ""].filter(Boolean);
    add("windows", `${parts.join(" · ")}${usesPanic ? " (panic in use)" : ""}`);
  }
  add("panic mode", d.panicking === undefined && rule !== "panic" ? undefined : panicking ? "yes" : "no");
  add("ready replicas", num(d.readyReplicas)?.toString());
  const idle = num(d.idleSec);
  const after = num(d.scaledownAfterSec);
  if (idle !== undefined) add("idle", `${round(idle, 1)} s${after !== undefined ? ` of ${after} s` : ""}`);
  else if (after !== undefined && (rule === "idle" || rule === "scale-down-delay")) add("scaledownAfter", `${after} s`);
  const min = num(d.min);
  const max = num(d.max);
  if (min !== undefined && max !== undefined) add("bounds", `${min}–${max}`);
  const kpa = num(d.kpaDesired);
  if (kpa !== undefined) add("KPA alone", `${kpa}`);

  return {
    from: num(d.from) ?? 0,
    to: num(d.to) ?? 0,
    rule,
    ruleText: ruleTexts[rule] ?? `Rule ${rule}`,
    panicking,
    facts,
  };
}

export interface Segment {
  phase: "spawn" | "listening" | "ready" | "first byte";
  /** ms from the waking request. */
  startMs: number;
  endMs: number;
  /** Share of the whole bar, 0..100. */
  percent: number;
}

/** The bar of a cold start; phases that did not happen (first byte null) are left out. */
export function coldStartSegments(p: ColdStartPhases): Segment[] {
  const marks: Array<[Segment["phase"], number | null]> = [
    ["spawn", p.spawnMs],
    ["listening", p.listeningMs],
    ["ready", p.readyMs],
    ["first byte", p.firstByteMs],
  ];
  const total = Math.max(1, ...marks.map(([, v]) => v ?? 0));
  const out: Segment[] = [];
  let start = 0;
  for (const [phase, at] of marks) {
    if (at === null || !Number.isFinite(at)) continue;
    const end = Math.max(start, at);
    out.push({ phase, startMs: start, endMs: end, percent: ((end - start) / total) * 100 });
    start = end;
  }
  return out;
}

/** The phases of a ColdStart event's data, or null when it has none. */
export function phasesOf(data: Record<string, unknown>): ColdStartPhases | null {
  const p = data.phases as Partial<ColdStartPhases> | undefined;
  if (!p || typeof p !== "object" || typeof p.spawnMs !== "number" || typeof p.readyMs !== "number") return null;
  return {
    spawnMs: p.spawnMs,
    listeningMs: typeof p.listeningMs === "number" ? p.listeningMs : p.readyMs,
    readyMs: p.readyMs,
    firstByteMs: typeof p.firstByteMs === "number" ? p.firstByteMs : null,
  };
}
