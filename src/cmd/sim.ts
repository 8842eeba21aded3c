/**
 * `ebb sim`: the command glue over sim/. It reads the flags, loads the policy (an app manifest
 * through the CLI's manifest loader and the spec validator, or a `--scaling` JSON block), opens
 * the trace, runs the replay (or the sweep) and prints the report as text or JSON, and the
 * sweep's SVG with `--plot`. With `--from-app` the trace is the app's recorded arrivals and the
 * policy its deployed spec, read through the API (live-inputs.ts). Exit codes: 0 done, 1 a trace, manifest or spec that cannot be
 * used, 2 a usage error (SIM_OPTIONS_INVALID, naming the flag). docs/simulation.md is its guide.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { autoscalerConfigProblems } from "../autoscaler/index.js";
import { stringFlag, type FlagSpecs, type ParsedArgs } from "../cli/args.js";
import { loadManifest } from "../cli/manifest.js";
import { EbbError } from "../kit/errors.js";
import { assertValidApp, formatDuration, readDuration, specDefaults, type ScalingSpec } from "../spec/index.js";
import {
  describeDistribution,
  describeScaling,
  formatReport,
  formatSweep,
  openTrace,
  parseDistribution,
  parseScalingJson,
  parseSweep,
  runPlan,
  simDefaults,
  sweepSvg,
  traceFormats,
  validScaling,
  type Distribution,
  type ReplayOptions,
  type ReplaySource,
  type TraceFormat,
} from "../sim/index.js";
import { describeModel, readLiveInputs } from "./live-inputs.js";
import { bad, distFlag, fileFlag, jsonFlag, numberFlag, parseSince, parseSimArgs, simStyleCommand, simStyleHandler, type SimIo } from "./sim-flags.js";

export type { SimIo };


const flags: FlagSpecs = {
  trace: { type: "string", value: "FILE", description: "the trace to replay" },
  "from-app": { type: "string", value: "APP", description: "or replay the arrivals the server recorded for this app, under its deployed spec" },
  since: { type: "string", value: "DURATION", description: "with --from-app: how far back, e.g. 24h or 7d (default and at most 7d)" },
  format: { type: "string", value: "FORMAT", description: `its format: ${traceFormats.join(", ")}` },
  app: { type: "string", value: "MANIFEST", description: "take the policy (scaling, request timeout) from this app manifest" },
  name: { type: "string", value: "NAME", description: "with --app: which app of the manifest (default: its only one)" },
  scaling: { type: "string", value: "JSON", description: "or take it from this scaling block, e.g. '{\"replicas\":[0,10],\"scaledownAfter\":600}'" },
  "cold-start": { type: "string", value: "DIST", description: `time to a ready replica: 8s, uniform:2s,5s, lognormal:8s,0.3, exponential:2s (default ${simDefaults.coldStart})` },
  "service-time": { type: "string", value: "DIST", description: "service time of every request, replacing the trace's own" },
  "default-service-time": { type: "string", value: "DIST", description: `service time where the trace gives none (default ${simDefaults.serviceTime})` },
  durations: { type: "string", value: "FILE", description: "azure-functions: the durations file (default: azure-fn2019-durations.csv beside the trace)" },
  "prefill-ms-per-token": { type: "string", value: "MS", description: `azure-llm: prefill cost per context token (default ${simDefaults.prefillMsPerToken})` },
  "decode-ms-per-token": { type: "string", value: "MS", description: `azure-llm: decode cost per generated token (default ${simDefaults.decodeMsPerToken})` },
  "request-timeout": { type: "string", value: "DURATION", description: "request timeout, waiting included (default: the manifest's, else 300s)" },
  "wake-queue-limit": { type: "string", value: "N", description: `requests that may wait per app (default ${simDefaults.wakeQueueLimit})` },
  autoscaler: { type: "string", value: "JSON", description: "autoscaler settings, e.g. '{\"stableWindowSec\":120}'" },
  seed: { type: "string", value: "N", description: `seed of every random draw (default ${simDefaults.seed})` },
  sweep: { type: "string", value: "KEY=V1,V2", description: "run once per value of scaledownAfter, min, max, target or concurrencyLimit" },
  plot: { type: "string", value: "FILE.svg", description: "draw idle replica-seconds against cold-start rate, one point per run" },
  json: { type: "boolean", description: "print the report (a sweep: [{ value, report }]) as JSON" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

const usage = `Usage: ebb sim --trace FILE --format FORMAT [--app MANIFEST | --scaling JSON] [flags]
       ebb sim --from-app APP [--since 7d] [--scaling JSON] [flags]

Replays a traffic trace against a scaling policy on a virtual clock, through ebb's own
autoscaler, and reports replica-seconds (idle ones too) against cold-start waits and latency.

Flags:
${Object.entries(flags)
  .map(([name, f]) => `  ${`${f.short ? `-${f.short}, ` : "    "}--${name}${f.type === "string" ? ` ${f.value}` : ""}`.padEnd(34)}${f.description}`)
  .join("\n")}

Examples:
  ebb sim --trace ../shared/traces/azure-llm-code-part1.csv --format azure-llm --app examples/model-server/app.yaml --cold-start 8s
  ebb sim --trace ../shared/traces/azure-fn2019-invocations.csv --format azure-functions --scaling '{"replicas":[0,10],"scaledownAfter":600}' --json
  ebb sim --trace trace.csv --format timestamps --sweep scaledownAfter=30,60,300,600,1800 --plot sweep.svg
  ebb sim --from-app hello --since 24h --sweep scaledownAfter=60,300,600
`;

interface Policy {
  scaling: ScalingSpec;
  requestTimeoutSec: number;
  app?: string;
  origin: string;
  /** Models of a live app (from the flags, else estimated), with where they came from. */
  coldStart?: { distribution: Distribution; text: string };
  serviceTime?: { distribution: Distribution; text: string };
}

async function loadPolicy(p: ParsedArgs, cwd: string): Promise<Policy> {
  const manifest = stringFlag(p, "app");
  const scaling = stringFlag(p, "scaling");
  if (manifest !== undefined && scaling !== undefined) throw bad("scaling", "give --app or --scaling, not both");
  if (manifest === undefined && stringFlag(p, "name") !== undefined) throw bad("name", "picks an app of --app MANIFEST; give --app too");
  if (scaling !== undefined) return { scaling: parseScalingJson(scaling), requestTimeoutSec: specDefaults.requestTimeoutSec, origin: "--scaling" };
  if (manifest === undefined) {
    return { scaling: validScaling({}, "defaults"), requestTimeoutSec: specDefaults.requestTimeoutSec, origin: "spec defaults" };
  }
  const loaded = await loadManifest(manifest, cwd);
  const name = stringFlag(p, "name");
  const names = loaded.apps.map((a) => (a && typeof a === "object" ? String((a as { name?: unknown }).name) : "?"));
  const index = name === undefined ? (loaded.apps.length === 1 ? 0 : -1) : names.indexOf(name);
  if (index === -1) {
    throw bad(name === undefined ? "app" : "name", `${manifest} holds ${names.join(", ")}; name one with --name`);
  }
  const spec = assertValidApp(loaded.apps[index]);
  return { scaling: spec.scaling, requestTimeoutSec: spec.timeouts.request, app: spec.name, origin: `${manifest} (${spec.name})` };
}

function replayOptions(p: ParsedArgs, policy: Policy, seed: number): ReplayOptions {
  const dist = (name: string) => distFlag(p, name);
  let requestTimeoutSec = policy.requestTimeoutSec;
  const timeout = stringFlag(p, "request-timeout");
  if (timeout !== undefined) {
    const read = readDuration(timeout);
    if (!read.ok || read.seconds <= 0 || read.seconds > 3600) throw bad("request-timeout", read.ok ? "must be more than 0 and at most 1h" : read.reason);
    requestTimeoutSec = read.seconds;
  }
  const autoscaler = jsonFlag(p, "autoscaler");
  if (autoscaler !== undefined && (autoscaler === null || typeof autoscaler !== "object" || Array.isArray(autoscaler))) {
    throw bad("autoscaler", "must be a JSON object of autoscaler settings");
  }
  const problems = autoscalerConfigProblems(autoscaler);
  if (problems.length > 0) throw bad("autoscaler", problems.join("; "));
  return {
    scaling: policy.scaling,
    requestTimeoutSec,
    coldStart: dist("cold-start") ?? policy.coldStart?.distribution ?? parseDistribution(simDefaults.coldStart, "--cold-start"),
    serviceTime: dist("service-time") ?? policy.serviceTime?.distribution,
    defaultServiceTime: dist("default-service-time"),
    seed,
    wakeQueueLimit: numberFlag(p, "wake-queue-limit", simDefaults.wakeQueueLimit, (n) => Number.isInteger(n) && n >= 1, "a whole number >= 1"),
    autoscaler: autoscaler as ReplayOptions["autoscaler"],
  };
}

async function run(argv: string[], io: SimIo): Promise<number> {
  const p = parseSimArgs(argv, flags, "sim", usage, io);
  if (p === null) return 0;
  if (p.positionals.length > 0) throw new EbbError("SIM_OPTIONS_INVALID", `unexpected argument '${p.positionals[0]}'; the trace goes after --trace`);
  const seed = numberFlag(p, "seed", simDefaults.seed, Number.isInteger, "a whole number");
  const { source, notes, policy, traceLabel } = stringFlag(p, "from-app") === undefined ? await openFile(p, io, seed) : await openLive(p, io, seed);
  const options = replayOptions(p, policy, seed);
  const sweepText = stringFlag(p, "sweep");
  const sweep = sweepText === undefined ? undefined : parseSweep(sweepText, policy.scaling);
  for (const note of notes) io.stderr.write(`note: ${note}\n`);
  const outcome = runPlan({ source, options, sweep });
  const plot = stringFlag(p, "plot");
  if (plot !== undefined) {
    const runs = outcome.sweep ?? [{ value: "policy", report: outcome.report! }];
    const points = runs.map(({ value, report }) => ({ label: sweep ? `${value}` : "policy", x: 100 * report.coldStartRate, y: report.idleReplicaSeconds }));
    const title = `${policy.app ?? "policy"} on ${source.name}: ${sweep ? `${sweep.key} swept` : "one run"}`;
    try {
      writeFileSync(resolve(io.cwd, plot), sweepSvg(points, { title }));
    } catch (err) {
      throw bad("plot", `cannot write ${plot} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  if (p.flags.json) {
    io.stdout.write(JSON.stringify(outcome.sweep ?? outcome.report, null, 2) + "\n");
    return 0;
  }
  const context: Array<[string, string]> = [
    ["trace", traceLabel],
    ["policy", `${describeScaling(policy.scaling, options.autoscaler?.targetUtilization)}; from ${policy.origin}`],
    ["cold start", policy.coldStart?.text ?? describeDistribution(options.coldStart!)],
    ["service time", policy.serviceTime?.text ?? (options.serviceTime ? describeDistribution(options.serviceTime) : (source.serviceModel ?? "from the trace"))],
    ["request timeout", `${formatDuration(options.requestTimeoutSec!)}; seed ${seed}`],
  ];
  if (outcome.report) io.stdout.write(formatReport(outcome.report, context));
  else io.stdout.write(context.map(([k, v]) => `${k}: ${v}`).join("\n") + `\n\n${formatSweep(sweep!.key, outcome.sweep!)}`);
  if (plot !== undefined) io.stdout.write(`plot written to ${plot}\n`);
  return 0;
}

interface Opened {
  source: ReplaySource;
  notes: string[];
  policy: Policy;
  traceLabel: string;
}

/** `--trace FILE --format F`: a trace file, under the policy of --app or --scaling. */
async function openFile(p: ParsedArgs, io: SimIo, seed: number): Promise<Opened> {
  if (stringFlag(p, "since") !== undefined) throw bad("since", "goes with --from-app APP");
  const trace = fileFlag(p, "trace", io.cwd);
  if (trace === undefined) throw bad("trace", "missing: name the trace file to replay (or --from-app APP)");
  const format = stringFlag(p, "format");
  if (format === undefined || !(traceFormats as readonly string[]).includes(format)) {
    throw bad("format", `must be one of ${traceFormats.join(", ")}, got ${format === undefined ? "nothing" : `'${format}'`}`);
  }
  const policy = await loadPolicy(p, io.cwd);
  const tokenCost = (name: string, fallback: number) => numberFlag(p, name, fallback, (n) => n >= 0, "a number of ms >= 0");
  const { source, notes } = openTrace({
    format: format as TraceFormat,
    path: trace,
    app: policy.app,
    seed,
    durationsPath: fileFlag(p, "durations", io.cwd),
    prefillMsPerToken: tokenCost("prefill-ms-per-token", simDefaults.prefillMsPerToken),
    decodeMsPerToken: tokenCost("decode-ms-per-token", simDefaults.decodeMsPerToken),
  });
  return { source, notes, policy, traceLabel: `${source.name} (${format})` };
}

const fileOnly = ["trace", "format", "app", "name", "durations", "prefill-ms-per-token", "decode-ms-per-token"];

/** `--from-app APP`: the app's recorded arrivals under its deployed spec (or --scaling). */
async function openLive(p: ParsedArgs, io: SimIo, seed: number): Promise<Opened> {
  const app = stringFlag(p, "from-app")!;
  const clash = fileOnly.find((f) => p.flags[f] !== undefined);
  if (clash) throw bad(clash, "goes with --trace FILE, not --from-app (the app's spec is the policy; --scaling overrides it)");
  if (!io.client) throw bad("from-app", "needs a connection to an ebb server");
  const scaling = stringFlag(p, "scaling");
  const override = scaling === undefined ? undefined : parseScalingJson(scaling);
  const live = await readLiveInputs(io.client(), app, {
    sinceSec: parseSince(stringFlag(p, "since")),
    nowMs: (io.now ?? Date.now)(),
    seed,
    coldStart: distFlag(p, "cold-start"),
    serviceTime: distFlag(p, "service-time"),
  });
  const spec = live.view.spec;
  const policy: Policy = {
    scaling: override ?? spec.scaling,
    requestTimeoutSec: spec.timeouts.request,
    app,
    origin: scaling === undefined ? `the deployed spec of ${app} (revision ${live.view.revision})` : "--scaling",
    coldStart: { distribution: live.coldStart.distribution, text: describeModel(live.coldStart) },
    serviceTime: { distribution: live.serviceTime.distribution, text: describeModel(live.serviceTime) },
  };
  const [requests, seconds] = [live.requests, live.counts.length].map((n) => n.toLocaleString("en-US"));
  const notes = [`${requests} recorded requests in ${seconds} seconds with traffic, each second's spread over it as a Poisson process (seed ${seed})`];
  return { source: live.source, notes, policy, traceLabel: live.source.name };
}

/** Runs `ebb sim` with the arguments after `sim`; resolves to the exit code. */
export const simCommand = simStyleCommand(run);

/** `ebb sim` as a command the composition root registers. */
export const simHandler = simStyleHandler("replay a traffic trace against a scaling policy and report cost against cold starts", simCommand);
