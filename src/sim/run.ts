/**
 * What `ebb sim` runs: a trace opened by its format, then one replay, or one per swept value,
 * plus (for traces of several apps) the fixed keep-alive baseline behind the paper measures,
 * replayed once and shared by every value of a sweep. Sources are re-iterable, so each replay
 * reads the trace afresh from the file: nothing of it is kept between runs.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { EbbError } from "../kit/errors.js";
import { readDurations } from "./durations.js";
import { readFunctionsTrace } from "./functions-trace.js";
import { readLlmTrace, readTimestampsTrace } from "./csv-traces.js";
import { baselineScaling, paperMeasures } from "./report.js";
import { replay, type ReplayOptions } from "./replay.js";
import type { SimReport } from "./report.js";
import type { ReplaySource } from "./types.js";
import type { Sweep } from "./sweep.js";

export const traceFormats = ["azure-llm", "azure-functions", "timestamps"] as const;
export type TraceFormat = (typeof traceFormats)[number];

/** Name of the durations file the functions format looks for beside the invocations file. */
export const defaultDurationsFile = "azure-fn2019-durations.csv";

export interface OpenTraceOptions {
  format: TraceFormat;
  path: string;
  /** App name for single-app formats; default "llm" / "app". */
  app?: string;
  /** Seed of the functions trace's spreading and drawn durations; default 1. */
  seed?: number;
  /** Functions format: the durations file; default the one beside the trace, if there. */
  durationsPath?: string;
  /** azure-llm: ms per context token; default 0.2. */
  prefillMsPerToken?: number;
  /** azure-llm: ms per generated token; default 30. */
  decodeMsPerToken?: number;
}

export interface OpenedTrace {
  source: ReplaySource;
  /** Things the user should know about how the trace was read. */
  notes: string[];
}

export function openTrace(o: OpenTraceOptions): OpenedTrace {
  const displayName = basename(o.path);
  if (o.format === "azure-llm") {
    return { source: readLlmTrace(o.path, { ...o, displayName }), notes: [] };
  }
  if (o.format === "timestamps") {
    return { source: readTimestampsTrace(o.path, { ...o, displayName }), notes: [] };
  }
  const notes: string[] = [];
  let durationsPath = o.durationsPath;
  if (durationsPath === undefined) {
    const beside = join(dirname(o.path), defaultDurationsFile);
    if (existsSync(beside)) durationsPath = beside;
    else notes.push(`no ${defaultDurationsFile} beside the trace: every request takes the default service time`);
  }
  const durations = durationsPath === undefined ? undefined : readDurations(durationsPath, basename(durationsPath));
  const source = readFunctionsTrace(o.path, { seed: o.seed, durations, displayName });
  if (durations && source.functionsWithoutDurations > 0) {
    notes.push(`${source.functionsWithoutDurations} of ${source.functions} functions have no row in the durations file: they take the default service time`);
  }
  return { source, notes };
}

export interface SimPlan {
  source: ReplaySource;
  options: ReplayOptions;
  sweep?: Sweep;
  /** Add the paper measures (a baseline replay); default: when the source has several apps. */
  paper?: boolean;
}

export interface SimOutcome {
  report?: SimReport;
  sweep?: Array<{ value: number | string; report: SimReport }>;
}

export function runPlan(plan: SimPlan): SimOutcome {
  const paper = plan.paper ?? (plan.source.apps?.length ?? 0) > 1;
  const base = paper ? replay(plan.source, { ...plan.options, scaling: baselineScaling(plan.options.scaling) }) : null;
  const one = (options: ReplayOptions): SimReport => {
    const report = replay(plan.source, options);
    if (base) report.paper = paperMeasures(report, base);
    return report;
  };
  if (!plan.sweep) return { report: one(plan.options) };
  if (plan.sweep.variants.length === 0) throw new EbbError("SIM_OPTIONS_INVALID", "--sweep: no values to run");
  return { sweep: plan.sweep.variants.map(({ value, scaling }) => ({ value, report: one({ ...plan.options, scaling }) })) };
}
