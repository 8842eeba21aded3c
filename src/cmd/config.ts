/**
 * The one configuration of `ebb serve`: defaults here, then a config file (`--config`, YAML or
 * JSON), then EBB_* environment variables, then flags. Validated once (unknown keys rejected,
 * each problem naming its key), then frozen. No other module reads the environment.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { EbbError } from "../kit/errors.js";
import type { Level } from "../kit/log.js";

export interface ServeConfig {
  /** Folder for the database, token, logs and state. Default `.ebb` in the working directory. */
  dataDir: string;
  /** Address both listeners bind to. Default 127.0.0.1. */
  host: string;
  /** Gateway port (apps at `<app>.localhost:<port>`). Default 8080; 0 picks a free one. */
  gatewayPort: number;
  /** Control port (API, console, /metrics). Default 7070; 0 picks a free one. */
  controlPort: number;
  /** Host name apps are reached under: `<app>.<publicHost>`. Default "localhost". */
  publicHost: string;
  logLevel: Level;
  /** Manifests or folders of manifests to deploy once the server is up. */
  deploy: string[];
  /** Overrides of the autoscaler's defaults (tickMs, stableWindowSec, ...). */
  autoscaler: Record<string, number>;
  /** Overrides of the gateway's defaults (defaultWakeQueueLimit, ...). */
  gateway: Record<string, number>;
  /** Overrides of the local runtime's defaults (stopGraceMs, crashLoopThreshold, ...). */
  runtime: Record<string, number>;
}

export const serveDefaults: Readonly<Omit<ServeConfig, "dataDir">> = Object.freeze({
  host: "127.0.0.1",
  gatewayPort: 8080,
  controlPort: 7070,
  publicHost: "localhost",
  logLevel: "info",
  deploy: [],
  autoscaler: {},
  gateway: {},
  runtime: {},
});

const levels = new Set(["debug", "info", "warn", "error"]);
const sections = ["autoscaler", "gateway", "runtime"] as const;

export interface ConfigSources {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Flags already parsed: `--data-dir`, `--port`, `--control-port`, `--host`, `--log-level`, `--config`, `--deploy`. */
  flags: { dataDir?: string; port?: string; controlPort?: string; host?: string; logLevel?: string; config?: string; deploy?: string[] };
}

export function loadServeConfig(src: ConfigSources): Readonly<ServeConfig> {
  const problems: string[] = [];
  const file = src.flags.config ?? src.env.EBB_CONFIG;
  const fromFile = file ? readConfigFile(resolve(src.cwd, file), problems) : {};
  const merged: Record<string, unknown> = { ...serveDefaults, dataDir: ".ebb", ...fromFile };
  const envMap: Array<[string, keyof ServeConfig]> = [
    ["EBB_DATA_DIR", "dataDir"],
    ["EBB_HOST", "host"],
    ["EBB_PORT", "gatewayPort"],
    ["EBB_CONTROL_PORT", "controlPort"],
    ["EBB_PUBLIC_HOST", "publicHost"],
    ["EBB_LOG_LEVEL", "logLevel"],
  ];
  for (const [name, key] of envMap) if (src.env[name] !== undefined && src.env[name] !== "") merged[key] = src.env[name];
  const f = src.flags;
  if (f.dataDir !== undefined) merged.dataDir = f.dataDir;
  if (f.host !== undefined) merged.host = f.host;
  if (f.port !== undefined) merged.gatewayPort = f.port;
  if (f.controlPort !== undefined) merged.controlPort = f.controlPort;
  if (f.logLevel !== undefined) merged.logLevel = f.logLevel;
  if (f.deploy?.length) merged.deploy = [...(merged.deploy as string[]), ...f.deploy];

  const config = validate(merged, problems, src.cwd);
  if (problems.length) throw new EbbError("CONFIG_INVALID", `invalid ebb serve configuration:\n  ${problems.join("\n  ")}`, { problems });
  return Object.freeze(config);
}

function readConfigFile(path: string, problems: string[]): Record<string, unknown> {
  try {
    const value = parseYaml(readFileSync(path, "utf8")) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${path}: expected a mapping of settings`);
  } catch (err) {
    problems.push(`${path}: ${(err as Error).message}`);
  }
  return {};
}

function validate(raw: Record<string, unknown>, problems: string[], cwd: string): ServeConfig {
  const known = new Set<string>([...Object.keys(serveDefaults), "dataDir"]);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`${key}: unknown setting (known: ${[...known].sort().join(", ")})`);
  const port = (key: string): number => {
    const n = Number(raw[key]);
    if (!Number.isInteger(n) || n < 0 || n > 65535) problems.push(`${key}: ${JSON.stringify(raw[key])} is not a port (0-65535)`);
    return n;
  };
  const text = (key: string): string => {
    const v = raw[key];
    if (typeof v !== "string" || v === "") problems.push(`${key}: expected a non-empty string, got ${JSON.stringify(v)}`);
    return String(v);
  };
  const logLevel = text("logLevel");
  if (!levels.has(logLevel)) problems.push(`logLevel: ${JSON.stringify(logLevel)} is not one of debug, info, warn, error`);
  const deploy = raw.deploy;
  if (!Array.isArray(deploy) || deploy.some((d) => typeof d !== "string")) problems.push("deploy: expected a list of paths");
  const out: ServeConfig = {
    dataDir: resolve(cwd, text("dataDir")),
    host: text("host"),
    gatewayPort: port("gatewayPort"),
    controlPort: port("controlPort"),
    publicHost: text("publicHost").toLowerCase(),
    logLevel: logLevel as Level,
    deploy: Array.isArray(deploy) ? deploy.map((d) => resolve(cwd, String(d))) : [],
    autoscaler: {},
    gateway: {},
    runtime: {},
  };
  for (const section of sections) out[section] = numberSection(section, raw[section], problems);
  return out;
}

/** A section of numeric overrides; the owning module checks names and ranges when built. */
function numberSection(name: string, value: unknown, problems: string[]): Record<string, number> {
  if (value === undefined) return {};
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`${name}: expected a mapping of numbers`);
    return {};
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "number" || !Number.isFinite(v)) problems.push(`${name}.${k}: expected a number, got ${JSON.stringify(v)}`);
    else out[k] = v;
  }
  return out;
}
