/**
 * Configuration of the local runtime: one schema, defaults in one frozen object with the unit in
 * each name, resolved and checked once when the runtime is created, then frozen. Nothing here
 * reads the environment: the server passes `baseEnv` (usually its own environment) and paths.
 */
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { restartPolicyDefaults, type RestartPolicy } from "../policy.js";

export interface Capacity {
  /** CPU cores replicas may request in total. */
  cpu: number;
  /** Memory replicas may request in total, bytes. */
  memoryBytes: number;
}

export interface LocalRuntimeConfig extends RestartPolicy {
  /** Folder of the process registry (`replicas.json`). Required. */
  stateDir: string;
  /** Folder of per-replica log files (`<logDir>/<app>/<replica>.log`). Default `<stateDir>/logs`. */
  logDir: string;
  /** Interface replicas listen on and are probed at. Default "127.0.0.1". */
  host: string;
  /** Environment every replica starts with; the spec's env and PORT go on top. Default {}. */
  baseEnv: Readonly<Record<string, string>>;
  /** Time between SIGTERM and SIGKILL when stopping a replica, ms. Default 10,000. */
  stopGraceMs: number;
  /** Budget of one readiness try (connect or HTTP answer), ms. Default 1,000. */
  probeTimeoutMs: number;
  /** Lines of the in-memory tail per app. Default 2,000. */
  logTailLines: number;
  /** Apps whose tails are kept; the least recently written is dropped first. Default 10,000. */
  logTailApps: number;
  /** Size of a replica's log file before it rotates to `.1`, bytes. Default 5 MiB. */
  logFileMaxBytes: number;
  /** Longest output line kept; longer ones are cut, bytes. Default 16 KiB. */
  logLineMaxBytes: number;
  /** Most bytes of log files one logs() call reads back for lines no longer in memory. Default 4 MiB. */
  logReadMaxBytes: number;
  /** How often replicas' memory (RSS of the process group) is sampled, ms. Default 1,000. */
  memoryPollMs: number;
  /** What replicas may request in total. Default: 4 x the cores, 80 % of the machine's memory. */
  capacity: Capacity;
}

export type LocalRuntimeOptions = Partial<Omit<LocalRuntimeConfig, "stateDir">> & { stateDir: string };

export const localRuntimeDefaults = Object.freeze({
  ...restartPolicyDefaults,
  host: "127.0.0.1",
  baseEnv: Object.freeze({}) as Readonly<Record<string, string>>,
  stopGraceMs: 10_000,
  probeTimeoutMs: 1_000,
  logTailLines: 2_000,
  logTailApps: 10_000,
  logFileMaxBytes: 5 * 1024 * 1024,
  logLineMaxBytes: 16 * 1024,
  logReadMaxBytes: 4 * 1024 * 1024,
  memoryPollMs: 1_000,
  /** Default capacity.cpu is this many times the machine's cores (CPU is overcommitted, like requests). */
  capacityCpuPerCore: 4,
  /** Default capacity.memoryBytes is this share of the machine's memory. */
  capacityMemoryShare: 0.8,
  logDirName: "logs",
});

const positive = [
  "backoffBaseMs", "backoffMaxMs", "backoffResetAfterMs", "crashLoopThreshold", "stopGraceMs", "probeTimeoutMs",
  "logTailLines", "logTailApps", "logFileMaxBytes", "logLineMaxBytes", "logReadMaxBytes", "memoryPollMs",
] as const;

const known = new Set<string>(["stateDir", "logDir", "host", "baseEnv", "capacity", ...positive]);

/**
 * Fills defaults, rejects unknown keys and out-of-range values (a TypeError: configuration is
 * the operator's program, checked before anything starts), and freezes the result.
 */
export function resolveLocalRuntimeConfig(opts: LocalRuntimeOptions): Readonly<LocalRuntimeConfig> {
  const problems: string[] = [];
  for (const key of Object.keys(opts)) if (!known.has(key)) problems.push(`unknown option '${key}'`);
  if (typeof opts.stateDir !== "string" || opts.stateDir === "") problems.push("stateDir is required");
  const d = localRuntimeDefaults;
  const config: LocalRuntimeConfig = {
    stateDir: opts.stateDir,
    logDir: opts.logDir ?? join(opts.stateDir ?? "", d.logDirName),
    host: opts.host ?? d.host,
    baseEnv: Object.freeze({ ...(opts.baseEnv ?? d.baseEnv) }),
    backoffBaseMs: opts.backoffBaseMs ?? d.backoffBaseMs,
    backoffMaxMs: opts.backoffMaxMs ?? d.backoffMaxMs,
    backoffResetAfterMs: opts.backoffResetAfterMs ?? d.backoffResetAfterMs,
    crashLoopThreshold: opts.crashLoopThreshold ?? d.crashLoopThreshold,
    stopGraceMs: opts.stopGraceMs ?? d.stopGraceMs,
    probeTimeoutMs: opts.probeTimeoutMs ?? d.probeTimeoutMs,
    logTailLines: opts.logTailLines ?? d.logTailLines,
    logTailApps: opts.logTailApps ?? d.logTailApps,
    logFileMaxBytes: opts.logFileMaxBytes ?? d.logFileMaxBytes,
    logLineMaxBytes: opts.logLineMaxBytes ?? d.logLineMaxBytes,
    logReadMaxBytes: opts.logReadMaxBytes ?? d.logReadMaxBytes,
    memoryPollMs: opts.memoryPollMs ?? d.memoryPollMs,
    capacity: Object.freeze({
      cpu: opts.capacity?.cpu ?? d.capacityCpuPerCore * availableParallelism(),
      memoryBytes: opts.capacity?.memoryBytes ?? Math.floor(d.capacityMemoryShare * totalmem()),
    }),
  };
  for (const key of positive) {
    if (!(Number.isFinite(config[key]) && config[key] > 0)) problems.push(`${key} must be a positive number, got ${config[key]}`);
  }
  if (!(config.capacity.cpu >= 0 && config.capacity.memoryBytes >= 0)) problems.push("capacity must not be negative");
  if (config.backoffMaxMs < config.backoffBaseMs) problems.push("backoffMaxMs must be at least backoffBaseMs");
  if (problems.length > 0) throw new TypeError(`invalid local runtime config: ${problems.join("; ")}`);
  return Object.freeze(config);
}
