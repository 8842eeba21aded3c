/**
 * The control plane's in-memory picture of one app: which revision serves, which is rolling out,
 * the desired count, ready replicas, trouble, and the wake in progress. The store holds what must
 * survive a restart; this holds what is derived from the running system.
 */
import type { AppRecord } from "../store/types.js";
import type { AppSpec, ColdStart, DeploymentStatus, Substate } from "../spec/types.js";
import type { StartPhases } from "../runtime/types.js";
import type { Trouble } from "./status.js";

export interface Rollout {
  revision: number;
  spec: AppSpec;
  /** The record to restore if the rollout fails; null for a new app. */
  previous: AppRecord | null;
}

/** A scale-from-zero in progress: from the first waiting request to its first response byte. */
export interface Wake {
  /** ms epoch of the request that woke the app. */
  at: number;
  replica: string | null;
  revision: number | null;
  /** Phases in ms from `at`. */
  phases: StartPhases | null;
}

export interface AppState {
  record: AppRecord;
  servingRevision: number | null;
  servingSpec: AppSpec | null;
  rollout: Rollout | null;
  desired: number;
  /**
   * Ready replica ids (any revision), kept from runtime events so ready counts are O(1). An array:
   * an app has a few replicas, and most apps none (an empty array costs a fraction of a Set).
   */
  ready: string[];
  trouble: Trouble | null;
  /** A never-served app whose first revision could not become ready. */
  failed: { message: string } | null;
  wake: Wake | null;
  lastColdStart: ColdStart | null;
  /** The last condition recorded, one shared object per pair (see conditionOf). */
  lastCondition: Readonly<{ status: DeploymentStatus; substate: Substate | null }> | null;
}

const conditions = new Map<string, Readonly<{ status: DeploymentStatus; substate: Substate | null }>>();

/** One frozen object per (status, substate) pair: a handful of pairs exist, and every app keeps one. */
export function conditionOf(status: DeploymentStatus, substate: Substate | null): Readonly<{ status: DeploymentStatus; substate: Substate | null }> {
  const key = `${status}/${substate}`;
  let c = conditions.get(key);
  if (!c) conditions.set(key, (c = Object.freeze({ status, substate })));
  return c;
}

/** Adds a ready replica id once. */
export function addReady(state: AppState, id: string): void {
  if (!state.ready.includes(id)) state.ready.push(id);
}

/** Removes a ready replica id if present. */
export function removeReady(state: AppState, id: string): void {
  const i = state.ready.indexOf(id);
  if (i >= 0) state.ready.splice(i, 1);
}

export function newAppState(record: AppRecord): AppState {
  return {
    record,
    servingRevision: null,
    servingSpec: null,
    rollout: null,
    desired: 0,
    ready: [],
    trouble: null,
    failed: null,
    wake: null,
    lastColdStart: null,
    lastCondition: null,
  };
}
