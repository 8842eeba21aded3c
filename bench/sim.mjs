#!/usr/bin/env node
/**
 * Benchmark of the simulator (issue "ebb sim"): times the replay of the two reference traces and
 * reports wall seconds, peak RSS, and the ratio to the budget of each:
 *
 *   functions   Azure Functions 2019, every app of the sample, 8 hours   <= 20 s
 *   llm-conv    Azure LLM conversation trace, 58 minutes, 19k requests   <=  3 s
 *
 * Each case runs in its own child process, so that its peak RSS is its own. The functions case
 * is timed twice: one replay (the budget), and the whole `ebb sim` run for that trace, which adds
 * the fixed keep-alive baseline replay behind the paper measures.
 *
 * Usage (after `npm run build`):
 *   node bench/sim.mjs [--dist DIR] [--traces DIR] [--json]
 * --dist defaults to ./dist, --traces to ../shared/traces beside the repository.
 */
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

const dist = resolve(flag("dist", join(root, "dist")));
const tracesDir = resolve(flag("traces", join(root, "..", "shared", "traces")));

const cases = {
  functions: {
    budgetSec: 20,
    trace: "azure-fn2019-invocations.csv",
    format: "azure-functions",
    scaling: { replicas: [0, 10], scaledownAfter: 600 },
  },
  "functions+baseline": {
    budgetSec: null,
    trace: "azure-fn2019-invocations.csv",
    format: "azure-functions",
    scaling: { replicas: [0, 10], scaledownAfter: 600 },
    paper: true,
  },
  "llm-conv": {
    budgetSec: 3,
    trace: "azure-llm-conv.csv",
    format: "azure-llm",
    scaling: { replicas: [0, 10], scaledownAfter: 300, metric: { concurrency: 2 }, concurrencyLimit: 4 },
  },
};

/** Runs one case in this process and sends its figures to the parent. */
async function runCase(name) {
  const c = cases[name];
  const sim = await import(pathToFileURL(join(dist, "src", "sim", "index.js")).href);
  const started = performance.now();
  const { source } = sim.openTrace({ format: c.format, path: join(tracesDir, c.trace) });
  const scaling = sim.validScaling(c.scaling, "bench");
  const options = { scaling, coldStart: sim.parseDistribution("lognormal:2s,0.5", "bench"), seed: 1 };
  const { report } = sim.runPlan({ source, options, paper: Boolean(c.paper) });
  const seconds = (performance.now() - started) / 1000;
  process.send({ name, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, requests: report.requests, apps: report.apps });
}

function inChild(name) {
  return new Promise((ok, fail) => {
    const child = fork(fileURLToPath(import.meta.url), ["--case", name, "--dist", dist, "--traces", tracesDir]);
    let result;
    child.on("message", (m) => (result = m));
    child.on("exit", (code) => (code === 0 && result ? ok(result) : fail(new Error(`case ${name} exited with ${code}`))));
  });
}

async function main() {
  if (!existsSync(join(dist, "src", "sim", "index.js"))) {
    console.error(`no build at ${dist}/src/sim/index.js: run npm run build first (or pass --dist DIR)`);
    process.exit(2);
  }
  if (!existsSync(join(tracesDir, cases.functions.trace))) {
    console.error(`no traces at ${tracesDir} (pass --traces DIR)`);
    process.exit(2);
  }
  const rows = [];
  for (const name of Object.keys(cases)) {
    const r = await inChild(name);
    const budget = cases[name].budgetSec;
    rows.push({ ...r, budgetSec: budget, ratio: budget ? r.seconds / budget : null });
  }
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(`node ${process.version}, ${(await import("node:os")).cpus().length} CPUs\n`);
  console.log("case                 apps  requests   seconds  peak RSS   budget  ratio");
  for (const r of rows) {
    const budget = r.budgetSec ? `${r.budgetSec} s` : "-";
    const ratio = r.ratio === null ? "-" : r.ratio.toFixed(3);
    console.log(
      `${r.name.padEnd(19)} ${String(r.apps).padStart(5)} ${String(r.requests).padStart(9)} ${r.seconds.toFixed(2).padStart(9)} ${`${r.peakRssMb.toFixed(0)} MB`.padStart(9)} ${budget.padStart(8)} ${ratio.padStart(6)}`,
    );
  }
}

const caseName = flag("case", null);
if (caseName) await runCase(caseName);
else await main();
