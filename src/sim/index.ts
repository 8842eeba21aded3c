/**
 * ebb's simulator (`ebb sim`): replays a traffic trace against a scaling policy on a virtual
 * clock, through the same autoscaler code that scales apps in production, and reports what the
 * policy costs (replica-seconds, idle ones) against what users feel (cold-start waits, latency).
 *
 * - types.ts: the replay's input, an iterator of `{ app, timeMs, serviceMs? }`, and the model's
 *   defaults;
 * - csv-traces.ts (azure-llm, timestamps), functions-trace.ts (azure-functions, with its Poisson
 *   spreading) and durations.ts: the trace readers, streaming, each malformed row a
 *   SIM_TRACE_INVALID at file:line:column (line-reader.ts);
 * - replay.ts: the discrete-event replay driving the real Autoscaler; app-model.ts: one app's
 *   replicas, wait queue and traffic counters (spec/traffic.ts) as the gateway and runtime
 *   have them; heap.ts, histogram.ts, random.ts: its event queue, latency percentiles in bounded
 *   memory, and seeded draws;
 * - report.ts (with the paper measures), format.ts, plot.ts: the figures, as text and SVG;
 * - sweep.ts: scaling blocks from JSON and one knob varied, validated by the spec validator;
 * - run.ts: a trace opened by its format and the runs `ebb sim` asks for;
 * - recorded-arrivals.ts: a source over an app's recorded per-second arrivals (`--from-app`);
 *   advise.ts and advise-format.ts: the grid `ebb advise` sweeps, its choice rule and its table.
 *
 * Imports only spec/, kit/, autoscaler/ and Node built-ins. docs/simulation.md is the user guide.
 *
 * @example
 * import { openTrace, runPlan, validScaling, parseDistribution } from "./index.js";
 * const { source } = openTrace({ format: "azure-llm", path: "azure-llm-code-part1.csv" });
 * const scaling = validScaling({ replicas: [0, 3], scaledownAfter: 60 }, "example");
 * const { report } = runPlan({ source, options: { scaling, coldStart: parseDistribution("8s", "example") } });
 * report.coldStartWaits; report.idleReplicaSeconds; report.latency.p99;
 */
export { listSource, simDefaults, type ReplayRequest, type ReplaySource } from "./types.js";
export {
  parseTimestamp,
  readLlmTrace,
  readTimestampsTrace,
  type LlmTraceOptions,
  type TimestampsTraceOptions,
} from "./csv-traces.js";
export { MinuteSpreader, readFunctionsTrace, type FunctionsTraceOptions } from "./functions-trace.js";
export { readDurations, sampleDuration, type DurationTable } from "./durations.js";
export {
  Rng,
  describe as describeDistribution,
  fixed,
  meanMs,
  parseDistribution,
  rngStreams,
  sample,
  type Distribution,
} from "./random.js";
export { Simulation, replay, type ReplayOptions } from "./replay.js";
export {
  baselineScaling,
  buildReport,
  paperMeasures,
  percentile,
  type PaperMeasures,
  type PerAppMeasures,
  type SimReport,
} from "./report.js";
export { describeScaling, formatReport, formatSweep } from "./format.js";
export { niceStep, sweepSvg, type PlotPoint } from "./plot.js";
export { parseScalingJson, parseSweep, sweepKeys, validScaling, withValue, type Sweep, type SweepKey } from "./sweep.js";
export {
  defaultDurationsFile,
  openTrace,
  runPlan,
  traceFormats,
  type OpenTraceOptions,
  type OpenedTrace,
  type SimOutcome,
  type SimPlan,
  type TraceFormat,
} from "./run.js";
export { recordedArrivalsSource, type RecordedArrivalsOptions, type SecondCount } from "./recorded-arrivals.js";
export { adviseCandidates, adviseDefaults, chooseAdvice, type Advice, type AdviseCandidate, type AdviseRun, type GridOptions } from "./advise.js";
export { formatAdviceTable } from "./advise-format.js";
