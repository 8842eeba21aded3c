/**
 * What a deploy means for an app that exists: nothing (same spec), a change applied in place
 * (only routing or scaling settings changed, so running replicas stay), or a new revision that
 * must be rolled out (anything that changes how a replica runs).
 */
import { contentHash } from "../kit/hash.js";
import type { AppSpec } from "../spec/types.js";

export type Change = "created" | "unchanged" | "reconfigured" | "updated";

/** The part of a spec that a running replica depends on; a change here needs new replicas. */
export function replicaHash(spec: AppSpec): string {
  const { command, workdir, env, readiness, resources } = spec;
  return contentHash({ command, workdir, env, readiness, resources, startup: spec.timeouts.startup });
}

export function classifyChange(current: { spec: AppSpec; specHash: string } | undefined, next: AppSpec, nextHash: string): Change {
  if (!current) return "created";
  if (current.specHash === nextHash) return "unchanged";
  return replicaHash(current.spec) === replicaHash(next) ? "reconfigured" : "updated";
}

/** Names the top-level fields that differ, for the Deployed event ("scaling, timeouts"). */
export function changedFields(a: AppSpec, b: AppSpec): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AppSpec>;
  return [...keys].filter((k) => contentHash(a[k] ?? null) !== contentHash(b[k] ?? null)).sort();
}
