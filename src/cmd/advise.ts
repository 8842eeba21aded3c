/**
 * `ebb advise APP`: recommends `scaledownAfter` and the metric target for a deployed app from a
 * sweep over its own recorded traffic (docs/simulation.md, "From live traffic"). It reads the
 * app's spec, arrivals and models through the API (live-inputs.ts), replays the traffic under
 * every candidate of sim/advise.ts with the app's replicas, chooses by the rule there (the
 * fewest replica-seconds within the cold-start budget), and prints the trade-off table with the
 * choice marked and the ways to apply it. Exit codes: 0 advised, 1 no recorded traffic or a
 * server error, 2 a usage error (SIM_OPTIONS_INVALID, naming the flag).
 */
import { stringFlag, type FlagSpecs } from "../cli/args.js";
import type { ScalingPatch } from "../api/client.js";
import { EbbError } from "../kit/errors.js";
import { formatDuration, metricKind, metricTarget, type ScalingSpec } from "../spec/index.js";
import {
  adviseCandidates,
  adviseDefaults,
  chooseAdvice,
  describeDistribution,
  describeScaling,
  formatAdviceTable,
  replay,
  simDefaults,
  type Advice,
  type AdviseRun,
} from "../sim/index.js";
import { describeModel, periodLabel, readLiveInputs, type LiveInputs } from "./live-inputs.js";
import { bad, distFlag, numberFlag, parseSince, parseSimArgs, simStyleCommand, simStyleHandler, type SimIo } from "./sim-flags.js";

const flags: FlagSpecs = {
  since: { type: "string", value: "DURATION", description: "how much recorded traffic to replay, e.g. 24h or 7d (default and at most 7d)" },
  "cold-start-budget": { type: "string", value: "PCT", description: "share of requests that may wait for a cold start, e.g. 1% or 0.5% (default 1%)" },
  "cold-start": { type: "string", value: "DIST", description: "time to a ready replica (default: the median of the app's recorded cold starts, else 1s)" },
  "service-time": { type: "string", value: "DIST", description: "service time of each request (default: the app's recorded median latency, else 1s)" },
  seed: { type: "string", value: "N", description: `seed of every random draw (default ${simDefaults.seed})` },
  json: { type: "boolean", description: "print { recommendation, sweep: [{ value, report }], inputs } as JSON" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

const usage = `Usage: ebb advise APP [--since 7d] [--cold-start-budget 1%] [--json]

Replays the app's recorded traffic through ebb's autoscaler under scaledownAfter from 0 to 1h
and the metric target at x0.5, x1 and x2 of the app's, within its replicas, and recommends the
setting with the fewest replica-seconds that keeps cold-start waits within the budget (with
none within it, the one with the fewest cold-start waits). Prints the table it chose from.

Flags:
${Object.entries(flags)
  .map(([name, f]) => `  ${`${f.short ? `-${f.short}, ` : "    "}--${name}${f.type === "string" ? ` ${f.value}` : ""}`.padEnd(34)}${f.description}`)
  .join("\n")}

Examples:
  ebb advise hello
  ebb advise hello --since 24h --cold-start-budget 0.5%
  ebb advise hello --json | jq .recommendation.change
`;

/** `--cold-start-budget`: "1%", "0.5 %" or a bare percentage; a share from 0 to 1. */
export function parseBudget(raw: string | undefined): number {
  if (raw === undefined) return adviseDefaults.coldStartBudget;
  const text = raw.trim().replace(/\s*%$/, "");
  const pct = Number(text);
  if (text === "" || !Number.isFinite(pct) || pct < 0 || pct > 100) throw bad("cold-start-budget", `must be a percentage from 0% to 100%, got '${raw}'`);
  return pct / 100;
}

/** The fields of `to` that differ from `from`, as a PATCH /scaling body. */
export function scalingChange(from: ScalingSpec, to: ScalingSpec): ScalingPatch {
  const change: ScalingPatch = {};
  if (to.scaledownAfter !== from.scaledownAfter) change.scaledownAfter = to.scaledownAfter;
  if (metricKind(to.metric) !== metricKind(from.metric) || metricTarget(to.metric) !== metricTarget(from.metric)) change.metric = to.metric;
  return change;
}

/** How to apply a change: `ebb scale`, the API call, and the manifest's scaling block. */
export function applyText(app: string, to: ScalingSpec, change: ScalingPatch, apiUrl: string): string {
  if (change.scaledownAfter === undefined && change.metric === undefined) return "The current setting is the recommended one: nothing to change.\n";
  const kind = metricKind(to.metric);
  const args = [
    change.scaledownAfter === undefined ? "" : ` --scaledown-after ${formatDuration(change.scaledownAfter)}`,
    change.metric === undefined ? "" : ` --${kind === "concurrency" ? "concurrency" : "request-rate"} ${metricTarget(to.metric)}`,
  ].join("");
  const limit = to.concurrencyLimit === undefined ? "" : `\n    concurrencyLimit: ${to.concurrencyLimit}`;
  return [
    "Apply it (in place, no new replicas):",
    `  ebb scale ${app}${args}`,
    "or through the API:",
    `  curl -X PATCH -H "Authorization: Bearer $(ebb token)" -H 'content-type: application/json' \\`,
    `    -d '${JSON.stringify(change)}' ${apiUrl}/api/v1/apps/${app}/scaling`,
    `or in the manifest of ${app}, then \`ebb deploy\`:`,
    "  scaling:",
    `    replicas: [${to.replicas[0]}, ${to.replicas[1]}]`,
    `    scaledownAfter: ${formatDuration(to.scaledownAfter)}`,
    `    metric: { ${kind}: ${metricTarget(to.metric)} }${limit}`,
  ].join("\n");
}

const num = (n: number): string => n.toLocaleString("en-US", { maximumFractionDigits: 1 });

function summary(label: string, run: AdviseRun): string {
  const { candidate: c, report: r } = run;
  const what = `scaledownAfter ${formatDuration(c.scaledownAfter)}, ${metricKind(c.metric)} ${metricTarget(c.metric)}`;
  const cold = `${(100 * r.coldStartRate).toFixed(2)} % of requests wait for a cold start (${num(r.coldStartWaits)} of ${num(r.requests)})`;
  return `${label}: ${what}: ${cold}, ${num(r.replicaSeconds)} replica-seconds`;
}

function adviceText(live: LiveInputs, runs: AdviseRun[], advice: Advice, apiUrl: string): string {
  const spec = live.view.spec;
  const chosen = runs[advice.chosen]!;
  const current = runs[advice.current]!;
  const context: Array<[string, string]> = [
    ["traffic", `${num(live.requests)} requests in ${num(live.counts.length)} seconds with arrivals, ${periodLabel(live.fromSec, live.toSec)}`],
    ["current", describeScaling(spec.scaling)],
    ["cold start", describeModel(live.coldStart)],
    ["service time", describeModel(live.serviceTime)],
    ["rule", advice.rule],
  ];
  const w = Math.max(...context.map(([k]) => k.length));
  const lines = [`ebb advise ${live.view.name}`, ...context.map(([k, v]) => `${k.padEnd(w)}  ${v}`), "", formatAdviceTable(runs, advice)];
  if (!advice.withinBudget) {
    const budget = `${(100 * advice.budget).toFixed(2)} %`;
    lines.push(`No setting with replicas [${spec.scaling.replicas.join(", ")}] keeps cold-start waits within ${budget}; the one with the fewest is recommended.`);
  }
  lines.push(summary("Recommended", chosen), summary("Current    ", current), "");
  const to = chosen.candidate.scaling;
  lines.push(applyText(live.view.name, to, scalingChange(spec.scaling, to), apiUrl));
  return lines.join("\n").replace(/\n*$/, "\n");
}

async function run(argv: string[], io: SimIo): Promise<number> {
  const p = parseSimArgs(argv, flags, "advise", usage, io);
  if (p === null) return 0;
  if (p.positionals.length !== 1) {
    throw new EbbError("SIM_OPTIONS_INVALID", p.positionals.length === 0 ? "missing APP (the app's name)" : `unexpected argument '${p.positionals[1]}'`);
  }
  const app = p.positionals[0]!;
  const budget = parseBudget(stringFlag(p, "cold-start-budget"));
  const seed = numberFlag(p, "seed", simDefaults.seed, Number.isInteger, "a whole number");
  const sinceSec = parseSince(stringFlag(p, "since"));
  const coldStart = distFlag(p, "cold-start");
  const serviceTime = distFlag(p, "service-time");
  if (!io.client) throw new EbbError("SERVER_UNREACHABLE", "ebb advise needs a connection to an ebb server");
  const client = io.client();
  const live = await readLiveInputs(client, app, { sinceSec, nowMs: (io.now ?? Date.now)(), seed, coldStart, serviceTime });
  const spec = live.view.spec;
  const candidates = adviseCandidates(spec.scaling);
  io.stderr.write(`note: replaying ${num(live.requests)} recorded requests under ${candidates.length} settings\n`);
  const runs: AdviseRun[] = candidates.map((candidate) => ({
    candidate,
    report: replay(live.source, {
      scaling: candidate.scaling,
      requestTimeoutSec: spec.timeouts.request,
      coldStart: live.coldStart.distribution,
      serviceTime: live.serviceTime.distribution,
      seed,
    }),
  }));
  const advice = chooseAdvice(runs, budget);
  if (!p.flags.json) {
    io.stdout.write(adviceText(live, runs, advice, client.baseUrl));
    return 0;
  }
  const chosen = runs[advice.chosen]!;
  const current = runs[advice.current]!;
  const json = {
    recommendation: {
      scaling: chosen.candidate.scaling,
      change: scalingChange(spec.scaling, chosen.candidate.scaling),
      withinBudget: advice.withinBudget,
      rule: advice.rule,
      report: chosen.report,
      current: { scaling: current.candidate.scaling, report: current.report },
    },
    sweep: runs.map(({ candidate: c, report }) => ({ value: { scaledownAfter: c.scaledownAfter, metric: c.metric }, report })),
    inputs: {
      app,
      revision: live.view.revision,
      from: live.fromSec,
      to: live.toSec,
      requests: live.requests,
      secondsWithArrivals: live.counts.length,
      coldStart: { distribution: describeDistribution(live.coldStart.distribution), origin: live.coldStart.origin },
      serviceTime: { distribution: describeDistribution(live.serviceTime.distribution), origin: live.serviceTime.origin },
      coldStartBudget: budget,
      seed,
    },
  };
  io.stdout.write(JSON.stringify(json, null, 2) + "\n");
  return 0;
}

/** Runs `ebb advise` with the arguments after `advise`; resolves to the exit code. */
export const adviseCommand = simStyleCommand(run);

/** `ebb advise` as a command the composition root registers. */
export const adviseHandler = simStyleHandler("recommend scaledownAfter and the metric target from the app's recorded traffic", adviseCommand);
