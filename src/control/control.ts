/**
 * The control plane: the one place that knows every app. It accepts deploys (validated first, so
 * an invalid spec changes nothing), keeps revisions and status in the store, rolls out new
 * revisions (new replicas ready before old ones drain; a revision that cannot become ready leaves
 * the old one serving), applies the autoscaler's decisions through the runtime, keeps the
 * gateway's routes in step with ready replicas, and records every event users see.
 *
 * The runtime, gateway and autoscaler reach it through three hook objects (runtimeHooks,
 * scaleTarget, gatewayHooks); it reaches them through ControlPorts. reactions.ts holds what it
 * does on their reports.
 */
import type { Clock } from "../kit/clock.js";
import { EbbError } from "../kit/errors.js";
import type { Logger } from "../kit/log.js";
import { appHost, assertValidApps, specHash } from "../spec/index.js";
import type { AppSpec, AppSummary, AppView, EbbEvent, ReplicaCounts } from "../spec/types.js";
import type { AppRecord, MetricSample, Store } from "../store/types.js";
import type { LogLine } from "../runtime/types.js";
import type { RouteSettings } from "../gateway/types.js";
import type { ArrivalCount, ArrivalRange, ControlApi, DeployResult, EventFilter, LogEntry, MetricsRange, Overview, OverviewUpdate, ScalingPatch } from "./types.js";
import type { ControlConfig, ControlPorts } from "./ports.js";
import { conditionOf, newAppState, type AppState } from "./app-state.js";
import { changedFields, classifyChange } from "./classify.js";
import { EventLog } from "./event-log.js";
import { deriveStatus } from "./status.js";
import { Reactions } from "./reactions.js";
import { SharedSpecParts } from "./spec-parts.js";
import type { TelemetryView } from "./telemetry.js";

export interface ControlDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  config: ControlConfig;
}

export class Control implements ControlApi {
  readonly #deps: ControlDeps;
  readonly #apps = new Map<string, AppState>();
  readonly #events: EventLog;
  readonly #reactions: Reactions;
  readonly #parts = new SharedSpecParts();
  #ports: ControlPorts | null = null;
  #telemetry: TelemetryView | null = null;
  #arrivalBuffer: { flush(): unknown } | null = null;

  constructor(deps: ControlDeps) {
    this.#deps = deps;
    this.#events = new EventLog(deps.store, deps.clock, deps.log);
    this.#reactions = new Reactions({
      apps: this.#apps,
      events: this.#events,
      clock: deps.clock,
      log: deps.log,
      ports: () => this.#requirePorts(),
      apply: (s) => this.#apply(s),
      refresh: (s) => this.#refreshStatus(s),
      store: deps.store,
    });
  }

  /** Hooks handed to the runtime, the autoscaler and the gateway when they are built. */
  get runtimeHooks() {
    return this.#reactions.runtimeHooks;
  }
  get scaleTarget() {
    return this.#reactions.scaleTarget;
  }
  get gatewayHooks() {
    return this.#reactions.gatewayHooks;
  }

  attach(ports: ControlPorts): void {
    this.#ports = ports;
  }

  /** Telemetry serves the overview and each app's last request time; wired by cmd/. */
  attachTelemetry(telemetry: TelemetryView): void {
    this.#telemetry = telemetry;
  }

  /** The recorder of arrivals (arrival-recorder.ts), flushed before each read; wired by cmd/. */
  attachArrivals(recorder: { flush(): unknown }): void {
    this.#arrivalBuffer = recorder;
  }

  /** Brings back every stored app after a restart: routes, autoscaler, at least min replicas. */
  recover(): void {
    for (const stored of this.#deps.store.listApps()) {
      const record = { ...stored, spec: this.#parts.share(stored.spec) };
      const state = newAppState(record);
      state.servingRevision = record.revision;
      state.servingSpec = record.spec;
      this.#apps.set(record.name, state);
      this.#route(state);
      if (record.desiredState === "ACTIVE") {
        state.desired = record.spec.scaling.replicas[0];
        this.#requirePorts().autoscaler.upsert(record.name, record.spec.scaling, { currentDesired: state.desired });
      } else {
        this.#requirePorts().routes.setAvailability(record.name, { kind: "stopped" });
      }
      this.#apply(state);
      this.#refreshStatus(state);
    }
  }

  async deploy(rawSpecs: unknown[], opts: { defaultWorkdir?: string } = {}): Promise<DeployResult[]> {
    const specs = assertValidApps(rawSpecs, opts);
    return specs.map((spec) => this.#deployOne(this.#parts.share(spec)));
  }

  #deployOne(spec: AppSpec): DeployResult {
    const now = this.#isoNow();
    const hash = specHash(spec);
    const state = this.#apps.get(spec.name);
    const change = classifyChange(state?.record, spec, hash);
    const url = this.#url(spec.name);
    const ports = this.#requirePorts();
    if (change === "unchanged" && state!.failed) return this.#retryFailed(state!, url);
    if (change === "unchanged" && state!.record.desiredState === "ACTIVE") {
      return { name: spec.name, revision: state!.record.revision, outcome: "unchanged", url };
    }
    if (!state) {
      const record: AppRecord = { name: spec.name, spec, specHash: hash, revision: 1, desiredState: "ACTIVE", createdAt: now, updatedAt: now };
      this.#deps.store.putApp(record);
      this.#deps.store.addRevision({ app: spec.name, revision: 1, specHash: hash, spec, createdAt: now });
      const fresh = newAppState(record);
      this.#apps.set(spec.name, fresh);
      // A new revision starts with one replica even at min 0 (Knative's initial scale): the
      // deploy proves the app can become ready, then it scales to zero after scaledownAfter.
      fresh.desired = Math.max(1, spec.scaling.replicas[0]);
      fresh.rollout = { revision: 1, spec, previous: null };
      this.#route(fresh);
      ports.autoscaler.upsert(spec.name, spec.scaling, { currentDesired: fresh.desired });
      this.#events.emit(spec.name, "Deployed", `Deployed revision 1 (${describeScaling(spec)})`, { specHash: hash, change }, 1);
      this.#apply(fresh);
      this.#refreshStatus(fresh);
      return { name: spec.name, revision: 1, outcome: "created", url };
    }

    const previous = state.record;
    const wasStopped = previous.desiredState === "STOPPED";
    const fields = changedFields(previous.spec, spec);
    if (change === "updated") {
      const revision = Math.max(previous.revision, ...this.#deps.store.listRevisions(spec.name).map((r) => r.revision)) + 1;
      this.#deps.store.addRevision({ app: spec.name, revision, specHash: hash, spec, createdAt: now });
      state.record = { ...previous, spec, specHash: hash, revision, desiredState: "ACTIVE", updatedAt: now };
      if (state.rollout) ports.runtime.scale(state.rollout.spec, state.rollout.revision, 0);
      const restore = state.rollout?.previous ?? (state.servingRevision !== null ? previous : null);
      state.rollout = { revision, spec, previous: restore };
      state.failed = null;
      this.#events.emit(spec.name, "Deployed", `Deployed revision ${revision}: ${fields.join(", ")} changed; rolling out`, { specHash: hash, change, fields }, revision);
    } else {
      state.record = { ...previous, spec, specHash: hash, desiredState: "ACTIVE", updatedAt: now };
      if (state.servingRevision === state.record.revision) state.servingSpec = spec;
      if (state.rollout?.revision === state.record.revision) state.rollout.spec = spec;
      if (change === "reconfigured") {
        this.#events.emit(spec.name, "Deployed", `Reconfigured revision ${previous.revision} in place: ${fields.join(", ")} changed`, { specHash: hash, change, fields }, previous.revision);
      }
    }
    this.#deps.store.putApp(state.record);
    this.#route(state);
    if (wasStopped) {
      ports.routes.setAvailability(spec.name, { kind: "serving" });
      this.#events.emit(spec.name, "Started", "Started by a deploy", {}, state.record.revision);
    }
    if (wasStopped || change === "updated") state.desired = Math.max(state.desired, spec.scaling.replicas[0]);
    state.desired = clamp(state.desired, spec.scaling.replicas);
    ports.autoscaler.upsert(spec.name, spec.scaling, { currentDesired: state.desired });
    this.#apply(state);
    this.#refreshStatus(state);
    return { name: spec.name, revision: state.record.revision, outcome: change, url };
  }

  /** Deploying the same spec again after its first revision failed tries it once more. */
  #retryFailed(state: AppState, url: string): DeployResult {
    const { spec, revision, name } = state.record;
    state.failed = null;
    state.trouble = null;
    state.rollout = { revision, spec, previous: null };
    state.desired = Math.max(1, spec.scaling.replicas[0]);
    const ports = this.#requirePorts();
    ports.routes.setAvailability(name, { kind: "serving" });
    ports.autoscaler.upsert(name, spec.scaling, { currentDesired: state.desired });
    this.#events.emit(name, "Deployed", `Retrying revision ${revision}`, { specHash: state.record.specHash, change: "retry" }, revision);
    this.#apply(state);
    this.#refreshStatus(state);
    return { name, revision, outcome: "updated", url };
  }

  /** Every app without its conditions (no store reads): what the live overview carries. */
  listSummaries(): AppSummary[] {
    return [...this.#apps.values()].map((s) => this.#summary(s));
  }

  /** One app's view without its conditions, or undefined: what the overview's deltas carry. */
  summary(name: string): AppSummary | undefined {
    const state = this.#apps.get(name);
    return state && this.#summary(state);
  }

  listApps(): AppView[] {
    return [...this.#apps.values()].map((s) => this.#view(s));
  }

  getApp(name: string): AppView {
    return this.#view(this.#state(name));
  }

  async stop(name: string): Promise<AppView> {
    const state = this.#state(name);
    if (state.record.desiredState !== "STOPPED") {
      const ports = this.#requirePorts();
      state.record = { ...state.record, desiredState: "STOPPED", updatedAt: this.#isoNow() };
      this.#deps.store.putApp(state.record);
      ports.autoscaler.remove(name);
      ports.routes.setAvailability(name, { kind: "stopped" });
      state.desired = 0;
      state.trouble = null;
      state.wake = null;
      this.#events.emit(name, "Stopped", "Stopped by the user; replicas drain", {}, state.record.revision);
      this.#apply(state);
      this.#refreshStatus(state);
    }
    return this.#view(state);
  }

  async start(name: string): Promise<AppView> {
    const state = this.#state(name);
    if (state.record.desiredState !== "ACTIVE") {
      const ports = this.#requirePorts();
      const spec = state.record.spec;
      state.record = { ...state.record, desiredState: "ACTIVE", updatedAt: this.#isoNow() };
      this.#deps.store.putApp(state.record);
      state.desired = spec.scaling.replicas[0];
      ports.routes.setAvailability(name, { kind: "serving" });
      ports.autoscaler.upsert(name, spec.scaling, { currentDesired: state.desired });
      this.#events.emit(name, "Started", `Started with ${state.desired} replica${state.desired === 1 ? "" : "s"} (min)`, {}, state.record.revision);
      this.#apply(state);
      this.#refreshStatus(state);
    }
    return this.#view(state);
  }

  async delete(name: string): Promise<void> {
    const state = this.#state(name);
    const ports = this.#requirePorts();
    ports.autoscaler.remove(name);
    this.#apps.delete(name);
    await ports.runtime.remove(name);
    ports.routes.removeApp(name);
    // Buffered arrivals are written first, so that the delete takes them too.
    this.#arrivalBuffer?.flush();
    this.#deps.store.deleteApp(name);
    this.#events.publish({
      id: 0,
      app: name,
      type: "Deleted",
      time: this.#isoNow(),
      revision: state.record.revision,
      message: `Deleted ${name}`,
      data: {},
    });
  }

  async updateScaling(name: string, patch: ScalingPatch): Promise<DeployResult> {
    const current = this.#state(name).record.spec;
    const raw = { ...current, scaling: { ...current.scaling, ...patch } };
    const [result] = await this.deploy([raw]);
    return result!;
  }

  events(filter: EventFilter = {}): EbbEvent[] {
    if (filter.app !== undefined) this.#state(filter.app);
    return this.#deps.store.listEvents(filter);
  }

  subscribeEvents(fn: (event: EbbEvent) => void): () => void {
    return this.#events.subscribe(fn);
  }

  logs(name: string, opts: { limit?: number; replica?: string } = {}): LogEntry[] {
    this.#state(name);
    const limit = opts.limit ?? 200;
    const lines: LogEntry[] = this.#requirePorts()
      .runtime.logs(name, { limit, ...(opts.replica ? { replica: opts.replica } : {}) })
      .map((l) => ({ kind: "log", ...l }));
    const events: LogEntry[] = this.#deps.store.listEvents({ app: name, limit }).map((e) => ({ kind: "event", ...e }));
    return [...lines, ...events].sort((a, b) => entryTime(a) - entryTime(b)).slice(-limit);
  }

  subscribeLogs(name: string, fn: (entry: LogEntry) => void): () => void {
    this.#state(name);
    const offLogs = this.#requirePorts().runtime.subscribeLogs(name, (l: LogLine) => fn({ kind: "log", ...l }));
    const offEvents = this.#events.subscribe((e) => {
      if (e.app === name) fn({ kind: "event", ...e });
    });
    return () => {
      offLogs();
      offEvents();
    };
  }

  appMetrics(name: string, range: MetricsRange): MetricSample[] {
    this.#state(name);
    return this.#deps.store.querySamples(name, range.fromMs, range.toMs, range.stepMs);
  }

  arrivals(name: string, range: ArrivalRange): ArrivalCount[] {
    this.#state(name);
    this.#arrivalBuffer?.flush();
    return this.#deps.store.listArrivals(name, range.fromSec, range.toSec);
  }

  overview(): Overview {
    return this.#requireTelemetry().overview();
  }

  subscribeOverview(fn: (update: OverviewUpdate) => void): () => void {
    return this.#requireTelemetry().subscribeOverview(fn);
  }

  /** Desired and ready replicas of an app, without asking the runtime (telemetry reads it each second). */
  replicaScale(name: string): { desired: number; ready: number } | undefined {
    const state = this.#apps.get(name);
    if (!state) return undefined;
    return { desired: state.record.desiredState === "STOPPED" ? 0 : state.desired, ready: state.ready.length };
  }

  /** Every replica count of an app, as its view shows them. */
  replicaCounts(name: string): ReplicaCounts | undefined {
    const state = this.#apps.get(name);
    return state ? this.#counts(state) : undefined;
  }

  // ---- internals ----

  #requireTelemetry(): TelemetryView {
    if (!this.#telemetry) throw new Error("control plane asked for telemetry before attachTelemetry()");
    return this.#telemetry;
  }

  /** Makes the runtime run what the state asks for: the serving revision and any rollout. */
  #apply(state: AppState): void {
    const { runtime } = this.#requirePorts();
    const stopped = state.record.desiredState === "STOPPED";
    const count = stopped ? 0 : state.desired;
    if (state.rollout) {
      runtime.scale(state.rollout.spec, state.rollout.revision, stopped ? 0 : Math.max(1, count));
    }
    if (state.servingSpec && state.servingRevision !== null) {
      // While a new revision rolls out, the old one keeps what it has but never grows.
      const serving = state.rollout ? Math.min(count, this.#runningOf(state.record.name, state.servingRevision)) : count;
      runtime.scale(state.servingSpec, state.servingRevision, serving);
    }
  }

  #runningOf(app: string, revision: number): number {
    return this.#requirePorts()
      .runtime.replicas(app)
      .filter((r) => r.revision === revision && (r.state === "ready" || r.state === "starting")).length;
  }

  #refreshStatus(state: AppState): void {
    const view = this.#status(state);
    const last = state.lastCondition;
    if (last && last.status === view.deploymentStatus && last.substate === view.substate) return;
    state.lastCondition = conditionOf(view.deploymentStatus, view.substate);
    this.#deps.store.addCondition(state.record.name, {
      time: this.#isoNow(),
      status: view.deploymentStatus,
      substate: view.substate,
      message: view.message,
      revision: state.servingRevision ?? state.record.revision,
    });
  }

  #status(state: AppState) {
    const replicas = this.#counts(state);
    return {
      ...deriveStatus({
        desiredState: state.record.desiredState,
        servingRevision: state.servingRevision,
        rolloutRevision: state.rollout?.revision ?? null,
        failed: state.failed,
        replicas,
        trouble: state.trouble,
      }),
      replicas,
    };
  }

  #counts(state: AppState) {
    let starting = 0;
    let draining = 0;
    for (const r of this.#requirePorts().runtime.replicas(state.record.name)) {
      if (r.state === "starting") starting++;
      else if (r.state === "draining" || r.state === "stopping") draining++;
    }
    const desired = state.record.desiredState === "STOPPED" ? 0 : state.desired;
    return { desired, ready: state.ready.length, starting, draining };
  }

  #view(state: AppState): AppView {
    return { ...this.#summary(state), conditions: this.#deps.store.listConditions(state.record.name, this.#deps.config.conditionsInView) };
  }

  #summary(state: AppState): AppSummary {
    const { record } = state;
    const status = this.#status(state);
    return {
      name: record.name,
      url: this.#url(record.name),
      spec: record.spec,
      specHash: record.specHash,
      revision: state.servingRevision ?? record.revision,
      desiredState: record.desiredState,
      status: {
        deploymentStatus: status.deploymentStatus,
        substate: status.substate,
        message: status.message,
        revision: state.servingRevision ?? record.revision,
        replicas: status.replicas,
        lastColdStart: state.lastColdStart,
        lastRequestAt: isoOrNull(this.#telemetry?.lastRequestAt(record.name) ?? null),
      },
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  #route(state: AppState): void {
    const spec = state.record.spec;
    const settings: RouteSettings = {
      app: spec.name,
      hosts: [`${spec.name}.${this.#deps.config.routeHostSuffix}`, ...spec.domains].map((h) => h.toLowerCase()),
      requiresAuth: spec.requiresAuth,
      requestTimeoutMs: spec.timeouts.request * 1000,
      concurrencyLimit: spec.scaling.concurrencyLimit ?? null,
      wakeQueueLimit: this.#deps.config.wakeQueueLimit,
    };
    this.#requirePorts().routes.upsertApp(settings);
  }

  #state(name: string): AppState {
    const state = this.#apps.get(name);
    if (!state) throw new EbbError("APP_NOT_FOUND", `no app named '${name}'`, { app: name });
    return state;
  }

  #requirePorts(): ControlPorts {
    if (!this.#ports) throw new Error("control plane used before attach()");
    return this.#ports;
  }

  #url(name: string): string {
    return this.#deps.config.appUrl(name);
  }

  #isoNow(): string {
    return new Date(this.#deps.clock.now()).toISOString();
  }
}

function clamp(n: number, [min, max]: [number, number]): number {
  return Math.min(max, Math.max(min, n));
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function entryTime(e: LogEntry): number {
  return e.kind === "log" ? e.time : Date.parse(e.time);
}

function describeScaling(spec: AppSpec): string {
  const [min, max] = spec.scaling.replicas;
  return `replicas ${min}-${max}, scaledownAfter ${spec.scaling.scaledownAfter} s, host ${appHost(spec.name)}`;
}
