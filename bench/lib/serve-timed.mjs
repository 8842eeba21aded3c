// `ebb serve` for the many-apps benchmark: the same composition root (startServer) and
// configuration path as the CLI, with a clock whose callbacks are timed, so the autoscaler's tick
// and telemetry's recording of a second can be measured without changing ebb. The parent asks
// over IPC ({ type: "probe" }) and gets their recent durations and this process's memory; with
// { type: "gc" } it answers the memory in use after a full GC (with --expose-gc); with
// { type: "heap", path } it writes a V8 heap snapshot there (after a full GC when the process
// runs with --expose-gc) for bench/heap-apps.mjs; with { type: "profile", ms, path } it writes a
// CPU profile of the next `ms` milliseconds (node:inspector, as `--cpu-prof` would).
// usage: node serve-timed.mjs <dataDir> <configFile>
import { PerformanceObserver, constants as perf, performance } from "node:perf_hooks";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { loadServeConfig } from "../../dist/src/cmd/config.js";
import { startServer } from "../../dist/src/cmd/server.js";
import { systemClock } from "../../dist/src/kit/clock.js";
import { createLogger } from "../../dist/src/kit/log.js";

const [dataDir, configFile] = process.argv.slice(2);
/** Wall-clock and CPU durations (ms) of the most recent autoscaler ticks; at most `keep` of each. */
const ticks = [];
const tickCpu = [];
/** Wall-clock durations (ms) of telemetry's most recent recorded seconds. */
const seconds = [];
const keep = 600;
/** Main-thread garbage-collection pauses since start: count and total ms, by kind. */
const gc = { minor: { count: 0, ms: 0 }, major: { count: 0, ms: 0 }, incremental: { count: 0, ms: 0 }, weak: { count: 0, ms: 0 } };
const gcKinds = { [perf.NODE_PERFORMANCE_GC_MINOR]: "minor", [perf.NODE_PERFORMANCE_GC_MAJOR]: "major", [perf.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental", [perf.NODE_PERFORMANCE_GC_WEAKCB]: "weak" };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const g = gc[gcKinds[e.detail?.kind]];
    if (g) g.count++, (g.ms += e.duration);
  }
}).observe({ entryTypes: ["gc"] });

const clock = {
  now: systemClock.now,
  setTimeout(fn, delayMs) {
    // Telemetry's second is at most 1000 ms away; longer ones (request timeouts) are not looked at.
    const isSecond = delayMs <= 1000 && /this\.#tick\(\)/.test(String(fn));
    if (!isSecond) return systemClock.setTimeout(fn, delayMs);
    return systemClock.setTimeout(() => {
      const t0 = performance.now();
      fn();
      seconds.push(performance.now() - t0);
      if (seconds.length > keep) seconds.shift();
    }, delayMs);
  },
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
  if (msg?.type === "heap") {
    globalThis.gc?.();
    const path = writeHeapSnapshot(msg.path);
    process.send({ path, ...process.memoryUsage() });
    return;
  }
  if (msg?.type === "gc") {
    globalThis.gc?.();
    process.send(process.memoryUsage());
    return;
  }
  if (msg?.type === "profile") {
    void cpuProfile(msg.ms, msg.path).then((path) => process.send({ path }));
    return;
  }
  if (msg?.type === "allocations") {
    void allocationProfile(msg.ms, msg.path).then((path) => process.send({ path }));
    return;
  }
  if (msg?.type !== "probe") return;
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
  process.send({ ticks: [...ticks], tickCpu: [...tickCpu], seconds: [...seconds], gc: structuredClone(gc), cpu: process.cpuUsage(), ...process.memoryUsage(), spaces });
});

async function cpuProfile(ms, path) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  await new Promise((resolve) => setTimeout(resolve, ms));
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  writeFileSync(path, JSON.stringify(profile));
  return path;
}

/** Sampled allocations of the next `ms` that lived past a minor GC (what gets promoted). */
async function allocationProfile(ms, path) {
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
  await new Promise((resolve) => setTimeout(resolve, ms));
  const { profile } = await session.post("HeapProfiler.stopSampling");
  session.disconnect();
  writeFileSync(path, JSON.stringify(profile));
  return path;
}

const stopServer = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.on("SIGTERM", stopServer);
process.on("SIGINT", stopServer);
