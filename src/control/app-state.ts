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
  /** Ready replica ids (any revision), kept from runtime events so ready counts are O(1). */
  ready: Set<string>;
  trouble: Trouble | null;
  /** A never-served app whose first revision could not become ready. */
  failed: { message: string } | null;
  wake: Wake | null;
  lastColdStart: ColdStart | null;
  lastCondition: { status: DeploymentStatus; substate: Substate | null } | null;
}

export function newAppState(record: AppRecord): AppState {
  return {
    record,
    servingRevision: null,
    servingSpec: null,
    rollout: null,
    desired: 0,
    ready: new Set(),
    trouble: null,
    failed: null,
    wake: null,
    lastColdStart: null,
    lastCondition: null,
  };
}
