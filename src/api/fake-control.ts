/**
 * An in-memory ControlApi for the API's and the CLI's tests (and a console without a backend).
 * It keeps apps, events and log lines in bounded arrays, fills spec defaults without the real
 * validator (only `name` and `command` are checked), and lets a test push events and log lines,
 * see how many live subscribers there are, and script what follows a deploy. Metric samples
 * (`recordSamples`, kept in a memory store and aggregated as the real one does) and per-app
 * traffic (`setTraffic`) and recorded arrivals (`recordArrivals`) are set by the test;
 * `publishOverview()` sends every overview subscriber what changed since its previous update, as
 * the real server does each second. The fake finds the changes by comparing each app's JSON with
 * what the subscriber last got, the simple way; the real one is told what changed
 * (control/telemetry-overview.ts).
 */
import type {
  AppTraffic,
  ArrivalCount,
  ArrivalRange,
  ControlApi,
  DeployResult,
  EventFilter,
  LogEntry,
  MetricsRange,
  Overview,
  OverviewDelta,
  OverviewUpdate,
  ScalingPatch,
} from "../control/types.js";
import { EbbError } from "../kit/errors.js";
import { contentHash } from "../kit/hash.js";
import type { LogLine } from "../runtime/types.js";
import type { AppSpec, AppView, EbbEvent, NewEvent } from "../spec/types.js";
import { createMemoryStore } from "../store/memory.js";
import type { MetricSample, Store } from "../store/types.js";

export interface FakeControlOptions {
  /** Called after each deploy result is returned, e.g. to emit rollout events. */
  afterDeploy?: (result: DeployResult, fake: FakeControl) => void;
  /** Events and log lines kept. Default 1000. */
  retain?: number;
  /** Fixed clock for event and status times (ms epoch). Default Date.now. */
  now?: () => number;
}

export class FakeControl implements ControlApi {
  readonly #apps = new Map<string, AppView>();
  readonly #events: EbbEvent[] = [];
  readonly #logs: LogEntry[] = [];
  readonly #eventSubs = new Set<(e: EbbEvent) => void>();
  readonly #logSubs = new Map<(e: LogEntry) => void, string>();
  /** Per subscriber, each app's [view, traffic] JSON as it last got them. */
  readonly #overviewSubs = new Map<(u: OverviewUpdate) => void, Map<string, [string, string]>>();
  readonly #traffic = new Map<string, AppTraffic>();
  readonly #history: Store = createMemoryStore();
  readonly #opts: FakeControlOptions;
  #nextId = 1;

  constructor(opts: FakeControlOptions = {}) {
    this.#opts = opts;
  }

  get eventSubscribers(): number {
    return this.#eventSubs.size;
  }

  get logSubscribers(): number {
    return this.#logSubs.size;
  }

  get overviewSubscribers(): number {
    return this.#overviewSubs.size;
  }

  async deploy(rawSpecs: unknown[], opts: { defaultWorkdir?: string } = {}): Promise<DeployResult[]> {
    const problems = rawSpecs.flatMap((raw, i) => fakeProblems(raw, i));
    if (problems.length > 0) throw new EbbError("APP_SPEC_INVALID", `${problems.length} problem(s) in the app specs`, { problems });
    const results = rawSpecs.map((raw) => this.#apply(fillSpec(raw as Record<string, unknown>, opts.defaultWorkdir ?? "/")));
    for (const r of results) setImmediate(() => this.#opts.afterDeploy?.(r, this));
    return results;
  }

  listApps(): AppView[] {
    return [...this.#apps.values()];
  }

  getApp(name: string): AppView {
    const app = this.#apps.get(name);
    if (!app) throw new EbbError("APP_NOT_FOUND", `no app named '${name}'`, { app: name });
    return app;
  }

  async stop(name: string): Promise<AppView> {
    const app = this.getApp(name);
    app.desiredState = "STOPPED";
    app.status = { ...app.status, deploymentStatus: "STOPPED", substate: null, message: "stopped by the user" };
    this.emit({ app: name, type: "Stopped", revision: app.revision, message: "Stopped by the user", data: {} });
    return app;
  }

  async start(name: string): Promise<AppView> {
    const app = this.getApp(name);
    app.desiredState = "ACTIVE";
    app.status = { ...app.status, deploymentStatus: "ACTIVE", substate: "SCALED_TO_ZERO", message: "started" };
    this.emit({ app: name, type: "Started", revision: app.revision, message: "Started by the user", data: {} });
    return app;
  }

  async delete(name: string): Promise<void> {
    this.getApp(name);
    this.#apps.delete(name);
    this.#traffic.delete(name);
    this.emit({ app: name, type: "Deleted", revision: null, message: "Deleted", data: {} });
  }

  /** Scaling changes apply in place, as the real control plane does: same revision, "reconfigured". */
  async updateScaling(name: string, patch: ScalingPatch): Promise<DeployResult> {
    const app = this.getApp(name);
    const spec = structuredClone(app.spec);
    if (patch.replicas) spec.scaling.replicas = patch.replicas;
    if (patch.scaledownAfter !== undefined) spec.scaling.scaledownAfter = patch.scaledownAfter;
    if (patch.metric) spec.scaling.metric = patch.metric;
    app.spec = spec;
    app.specHash = contentHash(spec);
    this.emit({ app: name, type: "Deployed", revision: app.revision, message: `Reconfigured revision ${app.revision} in place`, data: {} });
    return { name, revision: app.revision, outcome: "reconfigured", url: app.url };
  }

  events(filter: EventFilter = {}): EbbEvent[] {
    const matching = this.#events.filter(
      (e) => (filter.app === undefined || e.app === filter.app) && (filter.afterId === undefined || e.id > filter.afterId),
    );
    return matching.slice(-(filter.limit ?? 100));
  }

  subscribeEvents(fn: (event: EbbEvent) => void): () => void {
    this.#eventSubs.add(fn);
    return () => void this.#eventSubs.delete(fn);
  }

  logs(name: string, opts: { limit?: number; replica?: string } = {}): LogEntry[] {
    this.getApp(name);
    const mine = this.#logs.filter(
      (e) => e.app === name && (opts.replica === undefined || e.kind === "event" || e.replica === opts.replica),
    );
    return mine.slice(-(opts.limit ?? 100));
  }

  subscribeLogs(name: string, fn: (entry: LogEntry) => void): () => void {
    this.#logSubs.set(fn, name);
    return () => void this.#logSubs.delete(fn);
  }

  appMetrics(name: string, range: MetricsRange): MetricSample[] {
    this.getApp(name);
    return this.#history.querySamples(name, range.fromMs, range.toMs, range.stepMs);
  }

  arrivals(name: string, range: ArrivalRange): ArrivalCount[] {
    this.getApp(name);
    return this.#history.listArrivals(name, range.fromSec, range.toSec);
  }

  overview(): Overview {
    const apps = this.listApps();
    const idle: AppTraffic = { rps: 0, inflight: 0, p50Ms: null, p99Ms: null };
    return { time: this.#now(), apps, traffic: Object.fromEntries(apps.map((a) => [a.name, this.#traffic.get(a.name) ?? idle])) };
  }

  subscribeOverview(fn: (update: OverviewUpdate) => void): () => void {
    this.#overviewSubs.set(fn, jsonByApp(this.overview()));
    return () => void this.#overviewSubs.delete(fn);
  }

  /** Stores samples for `appMetrics` (same aggregation as the real store). */
  recordSamples(samples: MetricSample[]): void {
    this.#history.recordSamples(samples);
  }

  /** Adds per-second arrival counts for `arrivals` (same store rules as the real one). */
  recordArrivals(name: string, counts: ArrivalCount[]): void {
    this.#history.recordArrivals(name, counts);
  }

  /** Sets an app's traffic as the overview reports it. */
  setTraffic(name: string, traffic: AppTraffic): void {
    this.#traffic.set(name, traffic);
  }

  /**
   * Sends every overview subscriber what changed since its previous update (with `whole`, a null
   * delta: the update the real server sends when only a whole overview will do); returns the
   * overview now.
   */
  publishOverview(opts: { whole?: boolean } = {}): Overview {
    const overview = this.overview();
    const now = jsonByApp(overview);
    for (const [fn, before] of [...this.#overviewSubs]) {
      this.#overviewSubs.set(fn, now);
      fn({ delta: opts.whole ? null : diffOverview(before, now, overview), full: () => overview });
    }
    return overview;
  }

  /** Stores an event, interleaves it in the app's logs and tells every subscriber. */
  emit(event: Omit<NewEvent, "time"> & { time?: string }): EbbEvent {
    const full: EbbEvent = { id: this.#nextId++, time: new Date(this.#now()).toISOString(), ...event };
    this.#keep(this.#events, full);
    for (const fn of [...this.#eventSubs]) fn(full);
    this.#pushEntry({ kind: "event", ...full });
    return full;
  }

  /** Adds a log line to the app's tail and tells its log subscribers. */
  pushLog(line: Omit<LogLine, "time"> & { time?: number }): void {
    this.#pushEntry({ kind: "log", time: this.#now(), ...line });
  }

  /** Replaces parts of an app's status, e.g. to show replicas in `ebb apps`. */
  setStatus(name: string, status: Partial<AppView["status"]>): void {
    const app = this.getApp(name);
    app.status = { ...app.status, ...status };
  }

  #pushEntry(entry: LogEntry): void {
    this.#keep(this.#logs, entry);
    for (const [fn, app] of [...this.#logSubs]) if (app === entry.app) fn(entry);
  }

  #keep<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > (this.#opts.retain ?? 1000)) list.shift();
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  #apply(spec: AppSpec): DeployResult {
    const hash = contentHash(spec);
    const existing = this.#apps.get(spec.name);
    const url = `http://${spec.name}.localhost:8080`;
    const time = new Date(this.#now()).toISOString();
    if (existing && existing.specHash === hash) {
      this.emit({ app: spec.name, type: "Unchanged", revision: existing.revision, message: "Unchanged: same spec", data: {} });
      return { name: spec.name, revision: existing.revision, outcome: "unchanged", url };
    }
    const revision = (existing?.revision ?? 0) + 1;
    const min = spec.scaling.replicas[0];
    this.#apps.set(spec.name, {
      name: spec.name,
      url,
      spec,
      specHash: hash,
      revision,
      desiredState: "ACTIVE",
      status: {
        deploymentStatus: "DEPLOYING",
        substate: min === 0 ? "SCALED_TO_ZERO" : "INITIALIZING",
        message: `deploying revision ${revision}`,
        revision,
        replicas: { desired: min, ready: 0, starting: min, draining: 0 },
        lastColdStart: null,
        lastRequestAt: null,
      },
      conditions: [{ time, status: "DEPLOYING", substate: null, message: `revision ${revision}`, revision }],
      createdAt: existing?.createdAt ?? time,
      updatedAt: time,
    });
    this.emit({ app: spec.name, type: "Deployed", revision, message: `Deployed revision ${revision}`, data: {} });
    return { name: spec.name, revision, outcome: existing ? "updated" : "created", url };
  }
}

function fakeProblems(raw: unknown, i: number): Array<{ path: string; value: unknown; rule: string; message: string }> {
  if (raw === null || typeof raw !== "object") return [{ path: `[${i}]`, value: raw, rule: "type", message: "must be an object" }];
  const r = raw as Record<string, unknown>;
  const out = [];
  if (typeof r.name !== "string") out.push({ path: `[${i}].name`, value: r.name, rule: "required", message: "name is required" });
  if (!Array.isArray(r.command)) out.push({ path: `[${i}].command`, value: r.command, rule: "required", message: "command is required" });
  return out;
}

function fillSpec(raw: Record<string, unknown>, defaultWorkdir: string): AppSpec {
  const scaling = (raw.scaling ?? {}) as Partial<AppSpec["scaling"]>;
  return {
    name: raw.name as string,
    command: raw.command as string[],
    workdir: (raw.workdir as string | undefined) ?? defaultWorkdir,
    env: (raw.env as Record<string, string> | undefined) ?? {},
    scaling: {
      replicas: scaling.replicas ?? [0, 1],
      scaledownAfter: scaling.scaledownAfter ?? 300,
      metric: scaling.metric ?? { concurrency: 100 },
      ...(scaling.concurrencyLimit === undefined ? {} : { concurrencyLimit: scaling.concurrencyLimit }),
    },
    timeouts: { request: 300, startup: 300 },
    readiness: { path: null },
    requiresAuth: (raw.requiresAuth as boolean | undefined) ?? true,
    resources: { cpu: 0.25, memory: "256Mi" },
    domains: [],
  };
}

function jsonByApp(o: Overview): Map<string, [string, string]> {
  return new Map(o.apps.map((a) => [a.name, [JSON.stringify(a), JSON.stringify(o.traffic[a.name])]]));
}

/** The delta from `before` to `now` (both from jsonByApp), `overview` being `now`'s overview. */
function diffOverview(before: Map<string, [string, string]>, now: Map<string, [string, string]>, overview: Overview): OverviewDelta {
  const delta: OverviewDelta = { time: overview.time, apps: [], traffic: {}, removed: [] };
  for (const app of overview.apps) {
    const [view, traffic] = now.get(app.name)!;
    const was = before.get(app.name);
    if (was?.[0] !== view) delta.apps.push(app);
    if (was?.[1] !== traffic) delta.traffic[app.name] = overview.traffic[app.name]!;
  }
  for (const name of before.keys()) if (!now.has(name)) delta.removed.push(name);
  return delta;
}
