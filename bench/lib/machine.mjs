// What the figures were measured on: cores, CPU model, memory, and the versions of Node, nginx
// and wrk, for the header of docs/performance.md.
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { nginxPath } from "./nginx.mjs";
import { run } from "./proc.mjs";
import { wrkPath } from "./wrk.mjs";

export async function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  const nginx = await run(nginxPath, ["-v"]);
  const wrk = await run(wrkPath, ["-v"]);
  return {
    cores: availableParallelism(),
    model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    nginx: /nginx\/(\S+)/.exec(nginx.stderr + nginx.stdout)?.[1] ?? "unknown",
    wrk: /wrk (\S+)/.exec(wrk.stdout + wrk.stderr)?.[1] ?? "unknown",
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  };
}
