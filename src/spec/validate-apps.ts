/**
 * Validation of a set of apps deployed together (`ebb deploy a.yaml b.yaml`, `ebb serve --deploy
 * examples`): each app as validateApp does, plus what only the set can break: two apps with one
 * name, or one host (a custom domain, or `<name>.localhost`) routed to two apps. A deploy is all
 * or nothing, so every problem of every app is reported before anything changes.
 */
import { appHost } from "./identity.js";
import { type Problem, rootCursor, specInvalid } from "./problem.js";
import type { AppSpec } from "./types.js";
import { type ValidateOptions, validateApp } from "./validate.js";

export interface ValidateAppsOptions {
  /** Absolute folder for specs without `workdir` (see ValidateOptions). */
  defaultWorkdir?: string;
  /** Name of the list in problem paths; default "apps", giving "apps[2].name". */
  path?: string;
}

export type AppsValidationResult = { ok: true; specs: AppSpec[] } | { ok: false; problems: Problem[] };

function rawName(raw: unknown): string | undefined {
  const name = raw && typeof raw === "object" ? (raw as Record<string, unknown>).name : undefined;
  return typeof name === "string" ? name : undefined;
}

/** Validates every app and the set as a whole; problem paths start with `apps[i].`. */
export function validateApps(raws: readonly unknown[], opts: ValidateAppsOptions = {}): AppsValidationResult {
  const base = (opts.path ?? "apps").replace(/\.+$/, "");
  const problems: Problem[] = [];
  if (!Array.isArray(raws)) {
    rootCursor(problems, base).report(raws, "type", "expected an array of app specs");
    return { ok: false, problems };
  }
  const specs: AppSpec[] = [];
  const names = new Map<string, string>();
  const hosts = new Map<string, string>();
  raws.forEach((raw, i) => {
    const at = `${base}[${i}]`;
    const result = validateApp(raw, { defaultWorkdir: opts.defaultWorkdir, path: at } satisfies ValidateOptions);
    if (!result.ok) problems.push(...result.problems);
    const cur = rootCursor(problems, at);
    const name = result.ok ? result.spec.name : rawName(raw);
    const first = name === undefined ? undefined : names.get(name);
    if (name !== undefined && first !== undefined) cur.key("name").report(name, "duplicate", `name "${name}" is already used by ${first}`);
    else if (name !== undefined) names.set(name, at);
    if (!result.ok) return;
    specs.push(result.spec);
    const own = appHost(result.spec.name);
    const owner = hosts.get(own);
    if (first === undefined && owner !== undefined) cur.key("name").report(result.spec.name, "duplicate", `${own} is already routed to ${owner}`);
    result.spec.domains.forEach((host, j) => {
      const taken = hosts.get(host);
      if (taken !== undefined) cur.key("domains").index(j).report(host, "duplicate", `${host} is already routed to ${taken}`);
    });
    const label = `${at} ("${result.spec.name}")`;
    for (const host of [own, ...result.spec.domains]) if (!hosts.has(host)) hosts.set(host, label);
  });
  return problems.length === 0 ? { ok: true, specs } : { ok: false, problems };
}

/** The normalized specs, or throws APP_SPEC_INVALID whose message lists every problem, one a line. */
export function assertValidApps(raws: readonly unknown[], opts: ValidateAppsOptions = {}): AppSpec[] {
  const result = validateApps(raws, opts);
  if (!result.ok) throw specInvalid(result.problems);
  return result.specs;
}

/** The normalized spec of one app, or throws APP_SPEC_INVALID listing every problem. */
export function assertValidApp(raw: unknown, opts: ValidateOptions = {}): AppSpec {
  const result = validateApp(raw, opts);
  if (!result.ok) throw specInvalid(result.problems);
  return result.spec;
}
