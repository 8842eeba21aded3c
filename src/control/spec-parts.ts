/**
 * One copy of the spec parts that many apps have alike. The control plane keeps every app's
 * normalized spec in memory for as long as the app exists, and apps deployed together often
 * differ only in their name: the same command, environment, scaling, timeouts, readiness and
 * resources. `share` returns the spec with each such part replaced by an equal one seen recently,
 * so those apps hold one copy between them instead of one each.
 *
 * It keeps the last `perKind` distinct values of each part (the least recently seen goes first),
 * keyed by their JSON text, so its memory is bounded whatever is deployed and an app with parts
 * of its own costs nothing extra. Parts are deep-frozen before they are shared: specs are values,
 * and nothing may change one app's part under another.
 */
import type { AppSpec } from "../spec/types.js";

type Part = "command" | "workdir" | "env" | "scaling" | "timeouts" | "readiness" | "resources" | "domains";
const parts: readonly Part[] = ["command", "workdir", "env", "scaling", "timeouts", "readiness", "resources", "domains"];

export class SharedSpecParts {
  readonly perKind: number;
  readonly #recent = new Map<Part, Map<string, unknown>>();

  /** `perKind`: distinct values kept per part. Default 64. */
  constructor(perKind = 64) {
    this.perKind = Math.max(1, perKind);
    for (const part of parts) this.#recent.set(part, new Map());
  }

  /** The spec with its parts replaced by equal ones already held; frozen. */
  share(spec: AppSpec): AppSpec {
    // One literal with every field, so that they all sit inside the object.
    return Object.freeze({
      name: spec.name,
      command: this.#one("command", spec.command),
      workdir: this.#one("workdir", spec.workdir),
      env: this.#one("env", spec.env),
      scaling: this.#one("scaling", spec.scaling),
      timeouts: this.#one("timeouts", spec.timeouts),
      readiness: this.#one("readiness", spec.readiness),
      requiresAuth: spec.requiresAuth,
      resources: this.#one("resources", spec.resources),
      domains: this.#one("domains", spec.domains),
    });
  }

  #one<T>(part: Part, value: T): T {
    const recent = this.#recent.get(part)!;
    const key = JSON.stringify(value);
    const known = recent.get(key);
    if (known !== undefined) {
      recent.delete(key);
      recent.set(key, known);
      return known as T;
    }
    if (recent.size >= this.perKind) recent.delete(recent.keys().next().value!);
    recent.set(key, deepFreeze(value));
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
