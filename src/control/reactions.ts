/**
 * What the control plane does when the parts report: a scaling decision (apply it, explain it), a
 * request waiting at zero (poke the autoscaler, time the cold start), and each replica's
 * lifecycle (route ready replicas, finish or fail rollouts, surface crash loops to waiting
 * requests, record every step as an event).
 */
import type { Clock } from "../kit/clock.js";
import type { Logger } from "../kit/log.js";
import type { ScaleDecision, ScaleTarget } from "../autoscaler/types.js";
import type { GatewayHooks } from "../gateway/types.js";
import type { ReplicaInfo, RuntimeEvent, RuntimeHooks, StartPhases } from "../runtime/types.js";
import type { ColdStart } from "../spec/types.js";
import type { Store } from "../store/types.js";
import { addReady, removeReady, type AppState } from "./app-state.js";
import type { EventLog } from "./event-log.js";
import { explainDecision } from "./explain.js";
import type { ControlPorts } from "./ports.js";

export interface ReactionDeps {
  apps: Map<string, AppState>;
  events: EventLog;
  clock: Clock;
  log: Logger;
  store: Store;
  ports: () => ControlPorts;
  apply(state: AppState): void;
  refresh(state: AppState): void;
}

export class Reactions {
  readonly #d: ReactionDeps;

  readonly runtimeHooks: RuntimeHooks;
  readonly scaleTarget: ScaleTarget;
  readonly gatewayHooks: GatewayHooks;

  constructor(deps: ReactionDeps) {
    this.#d = deps;
    this.runtimeHooks = { onEvent: (e) => this.#onRuntime(e), drain: (r) => this.#drain(r) };
    this.scaleTarget = {
      readyReplicas: (app) => this.#d.apps.get(app)?.ready.length ?? 0,
      setDesired: (decision) => this.#onDecision(decision),
    };
    this.gatewayHooks = {
      onWake: (app) => this.#onWake(app),
      onWakeServed: (app, info) => this.#onWakeServed(app, info),
    };
  }

  #onDecision(d: ScaleDecision): void {
    const state = this.#d.apps.get(d.app);
    if (!state || state.record.desiredState === "STOPPED" || d.desired === state.desired) return;
    const explained = explainDecision({ ...d, previous: state.desired });
    state.desired = d.desired;
    this.#d.events.emit(d.app, explained.type, explained.message, explained.data, revisionOf(state));
    if (d.desired === 0) {
      state.wake = null;
      // At zero a crash loop stops retrying; let the next request try a fresh start.
      if (state.trouble && state.servingRevision !== null) {
        state.trouble = null;
        this.#d.ports().routes.setAvailability(d.app, { kind: "serving" });
      }
    }
    this.#d.apply(state);
    this.#d.refresh(state);
  }

  #onWake(app: string): void {
    const state = this.#d.apps.get(app);
    if (!state || state.record.desiredState === "STOPPED") return;
    if (!state.wake) state.wake = { at: this.#d.clock.now(), replica: null, revision: null, phases: null };
    this.#d.ports().autoscaler.poke(app);
  }

  #onWakeServed(app: string, info: { arrivedAt: number; waitedMs: number; firstByteMs: number; endpointId: string }): void {
    const state = this.#d.apps.get(app);
    const wake = state?.wake;
    if (!state || !wake || !wake.phases) return;
    const firstByteMs = Math.max(0, info.arrivedAt + info.firstByteMs - wake.at);
    const cold: ColdStart = {
      time: new Date(wake.at).toISOString(),
      revision: wake.revision ?? revisionOf(state),
      replica: wake.replica ?? info.endpointId,
      totalMs: firstByteMs,
      phases: { ...wake.phases, firstByteMs },
      waiting: 1,
    };
    state.lastColdStart = cold;
    state.wake = null;
    const p = cold.phases;
    this.#d.events.emit(
      app,
      "ColdStart",
      `ColdStart ${ms(cold.totalMs)} (spawn ${ms(p.spawnMs)}, listening ${ms(p.listeningMs)}, ready ${ms(p.readyMs)}, first byte ${ms(firstByteMs)})`,
      { ...cold },
      cold.revision,
    );
  }

  #drain(replica: ReplicaInfo): Promise<void> {
    const state = this.#d.apps.get(replica.app);
    const timeoutMs = (state?.record.spec.timeouts.request ?? 300) * 1000;
    return this.#d.ports().routes.drainEndpoint(replica.app, replica.id, timeoutMs);
  }

  #onRuntime(e: RuntimeEvent): void {
    const app = "replica" in e ? e.replica.app : e.app;
    const state = this.#d.apps.get(app);
    if (!state) return;
    switch (e.type) {
      case "replica-started":
        if (state.wake && state.wake.replica === null) {
          state.wake.replica = e.replica.id;
          state.wake.revision = e.replica.revision;
        }
        this.#d.events.emit(app, "ReplicaStarted", `Replica ${e.replica.id} started${e.replica.pid ? ` (pid ${e.replica.pid})` : ""}`, { replica: e.replica.id, pid: e.replica.pid }, e.replica.revision);
        break;
      case "replica-ready":
        this.#onReady(state, e.replica, e.phases);
        break;
      case "replica-draining":
        removeReady(state, e.replica.id);
        this.#d.events.emit(app, "ReplicaDraining", `Replica ${e.replica.id} draining`, { replica: e.replica.id }, e.replica.revision);
        break;
      case "replica-exited":
        this.#onExited(state, e);
        break;
      case "crash-loop":
        this.#onCrashLoop(state, e);
        break;
      case "insufficient-capacity":
        if (state.trouble?.kind !== "capacity") {
          state.trouble = { kind: "capacity", message: e.message };
          this.#d.events.emit(app, "InsufficientCapacity", `Insufficient capacity: ${e.message}`, { code: "RUNTIME_INSUFFICIENT_CAPACITY" }, e.revision);
        }
        break;
    }
    this.#d.refresh(state);
  }

  #onReady(state: AppState, replica: ReplicaInfo, phases: StartPhases): void {
    const app = replica.app;
    const live = replica.revision === state.servingRevision || replica.revision === state.rollout?.revision;
    if (!live || !replica.endpoint) return;
    addReady(state, replica.id);
    const ports = this.#d.ports();
    ports.routes.addEndpoint(app, { id: replica.id, host: replica.endpoint.host, port: replica.endpoint.port, revision: replica.revision });
    if (state.trouble) {
      state.trouble = null;
      ports.routes.setAvailability(app, { kind: "serving" });
    }
    const wake = state.wake;
    if (wake && !wake.phases && (wake.replica === null || wake.replica === replica.id)) {
      const offset = replica.startedAt - wake.at;
      const shift = (n: number) => Math.max(0, Math.round(offset + n));
      wake.replica = replica.id;
      wake.revision = replica.revision;
      wake.phases = { spawnMs: shift(phases.spawnMs), listeningMs: shift(phases.listeningMs), readyMs: shift(phases.readyMs) };
    }
    this.#d.events.emit(
      app,
      "ReplicaReady",
      `Replica ${replica.id} ready in ${ms(phases.readyMs)} (spawn ${ms(phases.spawnMs)}, listening ${ms(phases.listeningMs)})`,
      { replica: replica.id, pid: replica.pid, endpoint: replica.endpoint, phases },
      replica.revision,
    );
    if (state.rollout && replica.revision === state.rollout.revision) this.#maybeFinishRollout(state);
  }

  #maybeFinishRollout(state: AppState): void {
    const rollout = state.rollout!;
    const ports = this.#d.ports();
    const readyNew = ports.runtime.replicas(state.record.name).filter((r) => r.revision === rollout.revision && r.state === "ready").length;
    if (readyNew < Math.max(1, state.desired)) return;
    const old = state.servingSpec && state.servingRevision !== null ? { spec: state.servingSpec, revision: state.servingRevision } : null;
    state.servingRevision = rollout.revision;
    state.servingSpec = rollout.spec;
    state.rollout = null;
    state.failed = null;
    if (old && old.revision !== rollout.revision) ports.runtime.scale(old.spec, old.revision, 0);
    const drains = old ? `; revision ${old.revision} drains` : "";
    this.#d.events.emit(state.record.name, "RolloutComplete", `Revision ${rollout.revision} is serving (${readyNew} ready)${drains}`, { ready: readyNew, previous: old?.revision ?? null }, rollout.revision);
    this.#d.apply(state);
  }

  #onExited(state: AppState, e: Extract<RuntimeEvent, { type: "replica-exited" }>): void {
    const { replica } = e;
    const app = replica.app;
    removeReady(state, replica.id);
    this.#d.ports().routes.removeEndpoint(app, replica.id);
    if (state.wake?.replica === replica.id && !state.wake.phases) state.wake.replica = null;
    const how = e.signal ? `signal ${e.signal}` : `code ${e.code}`;
    const data = { replica: replica.id, reason: e.reason, code: e.code, signal: e.signal, lastLines: e.lastLines };
    if (e.reason === "stopped") {
      this.#d.events.emit(app, "ReplicaExited", `Replica ${replica.id} stopped (${how})`, data, replica.revision);
      return;
    }
    this.#d.events.emit(app, "ReplicaExited", `Replica ${replica.id} exited (${e.reason}, ${how}): ${e.message}`, data, replica.revision);
    if (e.reason === "oom") {
      state.trouble = { kind: "oom", message: `replica ${replica.id} went over its memory limit (${state.record.spec.resources.memory}) and was killed` };
      this.#d.events.emit(app, "OomKilled", state.trouble.message, data, replica.revision);
    }
  }

  #onCrashLoop(state: AppState, e: Extract<RuntimeEvent, { type: "crash-loop" }>): void {
    const app = e.app;
    const ports = this.#d.ports();
    const rollout = state.rollout;
    const message = e.cause.message;
    // The runtime reports every failure past the threshold; users hear of the loop once.
    if (state.trouble?.kind !== "crash-loop") {
      this.#d.events.emit(app, "CrashLoop", `Crash loop in revision ${e.revision}: ${message}`, { cause: e.cause, restartInMs: e.restartInMs }, e.revision);
    }
    if (rollout && e.revision === rollout.revision) {
      ports.runtime.scale(rollout.spec, rollout.revision, 0);
      state.rollout = null;
      if (rollout.previous && state.servingRevision !== null) {
        state.record = rollout.previous;
        this.#d.store.putApp(rollout.previous);
        this.#d.events.emit(app, "RolloutFailed", `Revision ${rollout.revision} could not become ready (${message}); revision ${state.servingRevision} keeps serving`, { code: "ROLLOUT_FAILED", cause: e.cause }, rollout.revision);
        this.#d.apply(state);
        return;
      }
      // A new app that never served: nothing to fall back to.
      state.failed = { message: `revision ${rollout.revision} could not become ready: ${message}` };
      state.trouble = { kind: "crash-loop", message };
      state.desired = 0;
      state.wake = null;
      ports.autoscaler.remove(app);
      ports.routes.setAvailability(app, { kind: "unavailable", code: e.cause.code, message: state.failed.message, retryAfterSec: 60 });
      this.#d.events.emit(app, "RolloutFailed", `Revision ${rollout.revision} could not become ready: ${message}`, { code: "ROLLOUT_FAILED", cause: e.cause }, rollout.revision);
      return;
    }
    if (e.revision !== state.servingRevision) return;
    state.trouble = { kind: e.cause.code === "RUNTIME_OOM_KILLED" ? "oom" : "crash-loop", message };
    ports.routes.setAvailability(app, {
      kind: "unavailable",
      code: e.cause.code,
      message: `${app} cannot start: ${message}`,
      retryAfterSec: Math.max(1, Math.ceil(e.restartInMs / 1000)),
    });
  }
}

function revisionOf(state: AppState): number {
  return state.servingRevision ?? state.record.revision;
}

function ms(n: number): string {
  return `${Math.round(n)} ms`;
}
