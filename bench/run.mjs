#!/usr/bin/env node
// `npm run bench`: builds ebb (the npm script does), makes sure nginx and wrk are installed, runs
// every benchmark part with its load on loopback only, prints the results as they come, and
// writes the table to docs/performance.md. Every ratio compares runs made side by side in this
// one invocation. About 8 to 10 minutes on 2 cores.
//   node bench/run.mjs [--only gateway,cold,burst,many] [--quick] [--no-write]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib/ebb.mjs";
import { machine } from "./lib/machine.mjs";
import { stopAllSync } from "./lib/proc.mjs";
import { renderReport } from "./lib/report.mjs";
import { ensureTools } from "./lib/tools.mjs";
import { burstBench } from "./parts/burst.mjs";
import { coldStartBench } from "./parts/cold-start.mjs";
import { gatewayBench } from "./parts/gateway.mjs";
import { manyAppsBench } from "./parts/many-apps.mjs";

const args = process.argv.slice(2);
const value = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const only = new Set((value("--only") ?? "gateway,cold,burst,many").split(","));
const log = (line) => console.log(line);

process.on("exit", stopAllSync);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

await ensureTools(log);
const started = Date.now();
const results = { machine: await machine(), quick };
log(`ebb benchmarks on ${results.machine.cores} cores (${results.machine.model}), Node ${results.machine.node}, nginx ${results.machine.nginx}, wrk ${results.machine.wrk}`);
if (only.has("gateway")) {
  log("gateway: direct vs nginx vs ebb");
  results.gateway = await gatewayBench(quick ? { rounds: 1, durationSec: 2, uploadGiB: 0.25, log } : { log });
}
if (only.has("cold")) {
  log("cold start: through ebb from zero vs the app's own start");
  results.cold = await coldStartBench({ rounds: quick ? 4 : 20, log });
}
if (only.has("burst")) {
  log("burst: 500 clients against an app at zero");
  results.burst = await burstBench({ durationSec: quick ? 8 : 15, log });
}
if (only.has("many")) {
  log("many apps: 10,000 idle apps and one busy app");
  results.many = await manyAppsBench(quick ? { idleApps: 1000, rounds: 1, durationSec: 3, log } : { log });
}
results.minutes = (Date.now() - started) / 60_000;
const markdown = renderReport(results);
console.log("\n" + markdown);
if (!args.includes("--no-write") && !quick && only.size === 4) {
  writeFileSync(join(root, "docs", "performance.md"), markdown);
  log("wrote docs/performance.md");
}
