/**
 * Derives an app's deployment status and substate (DESIGN §3) from what the control plane knows.
 * Pure, so every combination can be tested without processes.
 */
import type { DeploymentStatus, ReplicaCounts, Substate } from "../spec/types.js";

export type Trouble =
  | { kind: "crash-loop"; message: string }
  | { kind: "oom"; message: string }
  | { kind: "capacity"; message: string };

export interface StatusInputs {
  desiredState: "ACTIVE" | "STOPPED";
  /** Revision that serves traffic; null until one has become ready. */
  servingRevision: number | null;
  /** A newer revision being brought up, if any. */
  rolloutRevision: number | null;
  /** The last rollout of a never-served app failed. */
  failed: { message: string } | null;
  replicas: ReplicaCounts;
  trouble: Trouble | null;
}

export interface DerivedStatus {
  deploymentStatus: DeploymentStatus;
  substate: Substate | null;
  message: string;
}

export function deriveStatus(s: StatusInputs): DerivedStatus {
  const { desired, ready, draining } = s.replicas;
  if (s.desiredState === "STOPPED") {
    return { deploymentStatus: "STOPPED", substate: null, message: "stopped by the user" };
  }
  if (s.servingRevision === null) {
    if (s.failed) return { deploymentStatus: "FAILED", substate: troubleSubstate(s.trouble), message: s.failed.message };
    if (s.trouble) return { deploymentStatus: "DEPLOYING", substate: troubleSubstate(s.trouble), message: s.trouble.message };
    if (s.rolloutRevision === null) return { deploymentStatus: "PENDING", substate: null, message: "waiting to start" };
    return { deploymentStatus: "DEPLOYING", substate: "INITIALIZING", message: `starting revision ${s.rolloutRevision}` };
  }
  const deploymentStatus: DeploymentStatus = s.rolloutRevision !== null ? "DEPLOYING" : "ACTIVE";
  if (s.trouble) return { deploymentStatus, substate: troubleSubstate(s.trouble), message: s.trouble.message };
  const rolling = s.rolloutRevision !== null ? `; rolling out revision ${s.rolloutRevision}` : "";
  const sub = scalingSubstate(desired, ready, draining);
  return { deploymentStatus, substate: sub.substate, message: sub.message + rolling };
}

function scalingSubstate(desired: number, ready: number, draining: number): { substate: Substate; message: string } {
  if (desired === 0 && ready === 0 && draining === 0) return { substate: "SCALED_TO_ZERO", message: "scaled to zero; the next request starts a replica" };
  if (ready === 0 && desired > 0) return { substate: "SCALING_FROM_ZERO", message: `starting ${desired} replica${desired === 1 ? "" : "s"} from zero` };
  if (desired > ready) return { substate: "SCALING_UP", message: `${ready} of ${desired} replicas ready` };
  if (draining > 0 || ready > desired) return { substate: "SCALING_DOWN", message: `scaling down to ${desired}` };
  return { substate: "RUNNING", message: `${ready} replica${ready === 1 ? "" : "s"} ready` };
}

function troubleSubstate(t: Trouble | null): Substate | null {
  if (!t) return null;
  return t.kind === "crash-loop" ? "CRASH_LOOP" : t.kind === "oom" ? "OOM_KILLED" : "INSUFFICIENT_CAPACITY";
}
