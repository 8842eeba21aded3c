// `ebb serve` for the many-apps benchmark: the same composition root (startServer) and
// configuration path as the CLI, with a clock whose interval callbacks are timed, so the
// autoscaler's tick can be measured without changing ebb. The parent asks over IPC
// ({ type: "probe" }) and gets the recent tick durations and this process's memory.
// usage: node serve-timed.mjs <dataDir> <configFile>
import { performance } from "node:perf_hooks";
import { loadServeConfig } from "../../dist/src/cmd/config.js";
import { startServer } from "../../dist/src/cmd/server.js";
import { systemClock } from "../../dist/src/kit/clock.js";
import { createLogger } from "../../dist/src/kit/log.js";

const [dataDir, configFile] = process.argv.slice(2);
/** Wall-clock and CPU durations (ms) of the most recent autoscaler ticks; at most `keep` of each. */
const ticks = [];
const tickCpu = [];
const keep = 600;

const clock = {
  now: systemClock.now,
  setTimeout: systemClock.setTimeout,
  setInterval(fn, periodMs) {
    const isTick = /this\.tick\(\)/.test(String(fn));
    if (!isTick) return systemClock.setInterval(fn, periodMs);
    return systemClock.setInterval(() => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      ticks.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      tickCpu.push((c.user + c.system) / 1000);
      if (ticks.length > keep) ticks.shift(), tickCpu.shift();
    }, periodMs);
  },
};

const config = loadServeConfig({
  cwd: process.cwd(),
  env: {},
  flags: { dataDir, port: "0", controlPort: "0", config: configFile, logLevel: "warn" },
});
const baseEnv = Object.fromEntries(Object.entries(process.env).filter((e) => typeof e[1] === "string"));
const server = await startServer(config, { log: createLogger({ level: "warn" }), baseEnv, clock });
process.on("exit", () => server.destroy());

process.on("message", (msg) => {
  if (msg?.type !== "probe") return;
  process.send({ ticks: [...ticks], tickCpu: [...tickCpu], rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
});

const stopServer = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.on("SIGTERM", stopServer);
process.on("SIGINT", stopServer);
