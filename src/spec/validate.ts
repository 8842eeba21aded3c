/**
 * Validation of one app spec: the raw manifest object (parsed YAML or JSON, or what an
 * AppEnvironment's toManifest() returns) in, a normalized AppSpec out, with every default filled
 * in, durations in seconds, replicas as a pair and memory in canonical form; or the list of every
 * problem, each with its field path. Unknown keys are rejected at every level. The spec returned
 * is deeply frozen: it is the validated configuration, and changes go through validation again.
 */
import { reservedEnv, specDefaults, specLimits } from "./defaults.js";
import { readBoolean, readMap, readObject, readString } from "./fields.js";
import { appHost, isDnsLabel, isHostName } from "./identity.js";
import { type Cursor, type Problem, describeType, rootCursor, show } from "./problem.js";
import { isAppEnvironment } from "./sdk.js";
import type { AppSpec } from "./types.js";
import { readReadiness, readResources, readScaling, readTimeouts } from "./validate-sections.js";

export interface ValidateOptions {
  /** Absolute folder a spec without `workdir` runs in, and that a relative one is resolved against. */
  defaultWorkdir?: string;
  /** Prefix of every problem path, e.g. "apps[2]." gives "apps[2].scaling.replicas[1]". */
  path?: string;
}

export type ValidationResult = { ok: true; spec: AppSpec } | { ok: false; problems: Problem[] };

const appKeys = ["name", "command", "workdir", "env", "scaling", "timeouts", "readiness", "requiresAuth", "resources", "domains"];

function readName(cur: Cursor, value: unknown): string {
  if (value === undefined) {
    cur.report(value, "required", 'name is required (a DNS label such as "hello")');
    return "";
  }
  const name = readString(cur, value);
  if (name === undefined) return "";
  if (!isDnsLabel(name)) {
    const hint = isDnsLabel(name.toLowerCase()) ? `; did you mean "${name.toLowerCase()}"?` : "";
    const what = `a-z, 0-9 and '-', not at either end, at most ${specLimits.nameMaxLength} characters`;
    cur.report(name, "dnsLabel", `name must be a DNS label (${what}), got ${show(name)}${hint}`);
  }
  return name;
}

function readCommand(cur: Cursor, value: unknown): string[] {
  if (value === undefined) {
    cur.report(value, "required", 'command is required (argv, e.g. ["node", "server.js"])');
    return [];
  }
  if (typeof value === "string") {
    const argv = `[${value.trim().split(/\s+/).filter(Boolean).map((a) => JSON.stringify(a)).join(", ")}]`;
    cur.report(value, "type", `expected an array of strings (argv, run without a shell), got a string; write ${argv}`);
    return [];
  }
  if (!Array.isArray(value)) {
    cur.report(value, "type", `expected an array of strings (argv), got ${describeType(value)}`);
    return [];
  }
  if (value.length === 0) cur.report(value, "nonEmpty", "command must name a program to run, got an empty array");
  value.forEach((arg, i) => {
    if (typeof arg !== "string") cur.index(i).report(arg, "type", `expected a string, got ${describeType(arg)}; quote it: "${String(arg)}"`);
    else if (arg === "") cur.index(i).report(arg, "nonEmpty", "arguments must not be empty strings");
  });
  return value.filter((arg): arg is string => typeof arg === "string");
}

/*
 * A manifest's workdir may be relative: it is resolved against the folder the manifest came from
 * (defaultWorkdir), as its command is. Paths are POSIX (the local runtime runs on Linux and macOS,
 * Kubernetes images are Linux) and kept normalized so that equal folders hash equally; written
 * here rather than with node:path because spec/ stays free of Node built-ins.
 */
type WorkdirRead = { ok: true; path: string } | { ok: false; reason: string };

/** "/a/./b/../c/" -> "/a/c". The input must be absolute. */
function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/**
 * The absolute workdir from a spec's value and the default folder: ("./api", "/srv/app") ->
 * "/srv/app/api"; (undefined, "/srv/app") -> "/srv/app"; ("/opt/x", anything) -> "/opt/x".
 */
function resolveWorkdir(given: string | undefined, defaultWorkdir: string | undefined): WorkdirRead {
  if (given !== undefined && given.startsWith("/")) return { ok: true, path: normalizeAbsolute(given) };
  if (defaultWorkdir === undefined || !defaultWorkdir.startsWith("/")) {
    const what = given === undefined ? "no workdir is given" : `workdir "${given}" is relative`;
    const base = defaultWorkdir === undefined ? "there is no default folder" : `the default folder "${defaultWorkdir}" is not absolute`;
    return { ok: false, reason: `${what} and ${base}; give an absolute path such as "/srv/hello"` };
  }
  if (given === undefined) return { ok: true, path: normalizeAbsolute(defaultWorkdir) };
  return { ok: true, path: normalizeAbsolute(`${defaultWorkdir}/${given}`) };
}

function readWorkdir(cur: Cursor, value: unknown, defaultWorkdir: string | undefined): string {
  const given = value === undefined ? undefined : readString(cur, value);
  if (value !== undefined && given === undefined) return "";
  const read = resolveWorkdir(given, defaultWorkdir);
  if (!read.ok) cur.report(value, value === undefined ? "required" : "absolutePath", read.reason);
  return read.ok ? read.path : "";
}

function readEnv(cur: Cursor, value: unknown): Record<string, string> {
  const obj = value === undefined ? {} : (readMap(cur, value) ?? {});
  const entries: [string, string][] = [];
  for (const [key, v] of Object.entries(obj)) {
    const at = cur.key(key);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) at.report(v, "envName", `"${key}" is not a variable name (letters, digits and '_', not starting with a digit)`);
    if (reservedEnv.includes(key)) at.report(v, "reserved", `${key} is set by ebb in every replica; remove it`);
    if (typeof v === "string") entries.push([key, v]);
    else if (typeof v === "number" || typeof v === "boolean") at.report(v, "type", `env ${key} must be a string; quote it: ${key}: "${String(v)}"`);
    else at.report(v, "type", `env ${key} must be a string, got ${describeType(v)}`);
  }
  return Object.fromEntries(entries);
}

function readDomains(cur: Cursor, value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    cur.report(value, "type", `expected an array of host names, got ${describeType(value)}`);
    return [];
  }
  const seen = new Set<string>([appHost(name)]);
  const out: string[] = [];
  value.forEach((d, i) => {
    const at = cur.index(i);
    const host = readString(at, d);
    if (host === undefined) return;
    if (!isHostName(host)) {
      const hint = isHostName(host.toLowerCase()) ? `; write it in lower case: "${host.toLowerCase()}"` : "";
      at.report(host, "hostName", `expected a lower-case DNS host name such as "api.example.test", got ${show(host)}${hint}`);
    } else if (seen.has(host)) {
      at.report(host, "duplicate", `${host} is listed twice (or is the app's own host)`);
    } else out.push(host);
    seen.add(host);
  });
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Validates one app spec (a raw manifest object or an AppEnvironment), reporting every problem. */
export function validateApp(raw: unknown, opts: ValidateOptions = {}): ValidationResult {
  const problems: Problem[] = [];
  const cur = rootCursor(problems, opts.path);
  const manifest = isAppEnvironment(raw) ? raw.toManifest() : raw;
  const obj = readObject(cur, manifest, appKeys);
  if (!obj) return { ok: false, problems };
  const name = readName(cur.key("name"), obj.name);
  const spec: AppSpec = {
    name,
    command: readCommand(cur.key("command"), obj.command),
    workdir: readWorkdir(cur.key("workdir"), obj.workdir, opts.defaultWorkdir),
    env: readEnv(cur.key("env"), obj.env),
    scaling: readScaling(cur.key("scaling"), obj.scaling),
    timeouts: readTimeouts(cur.key("timeouts"), obj.timeouts),
    readiness: readReadiness(cur.key("readiness"), obj.readiness),
    requiresAuth:
      obj.requiresAuth === undefined ? specDefaults.requiresAuth : (readBoolean(cur.key("requiresAuth"), obj.requiresAuth) ?? true),
    resources: readResources(cur.key("resources"), obj.resources),
    domains: readDomains(cur.key("domains"), obj.domains, name),
  };
  return problems.length === 0 ? { ok: true, spec: deepFreeze(spec) } : { ok: false, problems };
}
