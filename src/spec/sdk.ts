/**
 * The TypeScript SDK: Flyte's `flyte.app.AppEnvironment`, `Scaling` and `Timeouts` in TypeScript
 * idiom. An AppEnvironment only records what the user wrote; toManifest() returns the same raw
 * object a YAML manifest parses to, and validation (validate.ts) is the one place rules and
 * defaults live, so the SDK and manifests can never disagree.
 *
 * A user's module may load a different copy of this file than the one ebb runs (its own
 * node_modules), so `instanceof` cannot recognise environments: isAppEnvironment checks a brand
 * registered with Symbol.for, which every copy shares.
 */
import type { MetricSpec } from "./types.js";

/** Seconds as a number, or a duration string such as "90s", "5m", "1h30m", "500ms". */
export type Duration = number | string;

const brand = Symbol.for("ebb.AppEnvironment");

type Manifest = Record<string, unknown>;

/** Drops undefined values, so that absent options stay absent and take validation's defaults. */
function compact(obj: Manifest): Manifest {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** A section given as a Scaling/Timeouts (from any copy of the SDK) or as a plain object. */
function manifestOf(part: unknown): unknown {
  if (typeof part !== "object" || part === null || Array.isArray(part)) return part;
  const withManifest = part as { toManifest?: () => Manifest };
  return typeof withManifest.toManifest === "function" ? withManifest.toManifest() : compact({ ...part });
}

export interface ScalingOptions {
  /** [min, max] replicas; a number n means [n, n]. Default [0, 1]. */
  replicas?: number | [number, number];
  /** Idle time before scaling down, to zero when min is 0. Default 300 s. */
  scaledownAfter?: Duration;
  /** Per-replica target: Scaling.Concurrency(n) or Scaling.RequestRate(n). Default Concurrency(100). */
  metric?: MetricSpec;
  /** Hard cap of in-flight requests per replica. Default: no cap. */
  concurrencyLimit?: number;
}

/** How an app scales with its traffic (Flyte's `flyte.app.Scaling`). */
export class Scaling {
  /** Target this many in-flight requests per replica (at least 1). */
  static Concurrency(target: number): { concurrency: number } {
    return { concurrency: target };
  }

  /** Target this many requests per second per replica (at least 1). */
  static RequestRate(target: number): { requestRate: number } {
    return { requestRate: target };
  }

  readonly options: Readonly<ScalingOptions>;

  constructor(options: ScalingOptions = {}) {
    this.options = Object.freeze({ ...options });
  }

  /** Keys the options type does not know are kept, so that validation reports them. */
  toManifest(): Manifest {
    const o = this.options;
    return compact({
      ...o,
      replicas: Array.isArray(o.replicas) ? [...o.replicas] : o.replicas,
      metric: o.metric && typeof o.metric === "object" ? { ...o.metric } : o.metric,
    });
  }
}

export interface TimeoutsOptions {
  /** Longest a request may take, including a wait for a cold start; at most 1 h. Default 300 s. */
  request?: Duration;
  /** Longest a new replica may take to become ready; at most 1 h. Default 300 s. */
  startup?: Duration;
}

/** Request and startup timeouts (Flyte's `flyte.app.Timeouts`). */
export class Timeouts {
  readonly options: Readonly<TimeoutsOptions>;

  constructor(options: TimeoutsOptions = {}) {
    this.options = Object.freeze({ ...options });
  }

  toManifest(): Manifest {
    return compact({ ...this.options });
  }
}

export interface AppEnvironmentOptions {
  /** DNS label: lower-case letters, digits and '-', at most 63 characters. */
  name: string;
  /** argv, run without a shell, e.g. ["node", "server.js"]. */
  command: string[];
  /** Folder the command runs in; relative paths and the default are the defining module's folder. */
  workdir?: string;
  env?: Record<string, string>;
  scaling?: Scaling | ScalingOptions;
  timeouts?: Timeouts | TimeoutsOptions;
  /** HTTP GET of `path` answering 2xx/3xx; default (or null) is a TCP connect to $PORT. */
  readiness?: { path?: string | null };
  /** Default true: the gateway asks for a bearer token. */
  requiresAuth?: boolean;
  /** CPU cores (0.5 or "500m", default 0.25) and memory ("512Mi", default "256Mi") per replica. */
  resources?: { cpu?: number | string; memory?: string | number };
  /** Host names routed to the app besides `<name>.localhost`. */
  domains?: string[];
}

/** What isAppEnvironment guarantees, whichever copy of the SDK made the object. */
export interface AppEnvironmentLike {
  readonly name: string;
  toManifest(): Manifest;
}

/** An app: a command serving HTTP on $PORT, and how it scales (Flyte's `flyte.app.AppEnvironment`). */
export class AppEnvironment implements AppEnvironmentLike {
  readonly name: string;
  readonly options: Readonly<AppEnvironmentOptions>;

  constructor(options: AppEnvironmentOptions) {
    this.name = options.name;
    this.options = Object.freeze({ ...options });
  }

  get [brand](): true {
    return true;
  }

  /**
   * The raw manifest (the shape of a YAML manifest), for validateApp. Keys the options type does
   * not know are kept, so that validation reports them with a suggestion.
   */
  toManifest(): Manifest {
    const o = this.options;
    return compact({
      ...o,
      command: Array.isArray(o.command) ? [...o.command] : o.command,
      env: o.env && typeof o.env === "object" ? { ...o.env } : o.env,
      scaling: manifestOf(o.scaling),
      timeouts: manifestOf(o.timeouts),
      readiness: o.readiness && typeof o.readiness === "object" ? { ...o.readiness } : o.readiness,
      resources: o.resources && typeof o.resources === "object" ? compact({ ...o.resources }) : o.resources,
      domains: Array.isArray(o.domains) ? [...o.domains] : o.domains,
    });
  }
}

/** True for an AppEnvironment made by any copy of the SDK (a Symbol.for brand, not instanceof). */
export function isAppEnvironment(value: unknown): value is AppEnvironmentLike {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { [brand]?: unknown; toManifest?: unknown };
  return v[brand] === true && typeof v.toManifest === "function";
}
