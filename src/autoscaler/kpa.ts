/**
 * The KPA decider: Knative's per-revision scaling decision (pkg/autoscaler/scaling/autoscaler.go,
 * reference/knative-kpa.md §4), step for step, as a pure object. It holds only the panic state
 * (panic start time, high-water mark) and the scale-down delay window; loads, ready counts and
 * time come in with each call. ebb's own rules (min/max, idle, wake) live in policy.ts, on top.
 *
 * Per decision, with R = max(1, ready):
 *   maxUp = ceil(maxScaleUpRate x R); maxDown = floor(R / maxScaleDownRate) when reachable, else 0
 *   S = clamp(ceil(stable / target)), P = clamp(ceil(panic / target)) into [maxDown, maxUp]
 *   activation scale raises a non-zero S or P to it
 *   panic while ceil(panic / target) / R >= panicThreshold (unclamped), and for a stable window
 *   after the last such decision; in panic desired = high-water = max(hw, S, P), never lower
 *   scale-down delay: desired = max of the desired counts over the delay (2 s buckets)
 *   EBC (with the real ready count) = floor(ready x total - TBC - panic), or 0 / -1 for TBC 0 / -1
 *
 * Worked example (target 7, total 10, defaults): 1 ready, panic load 70 -> p = 10, 10 / 1 >= 2:
 * panic, maxUp = ceil(1000 x 1) = 1000, desired 10. Next, 10 ready and 70 -> ratio 1: no longer
 * over, but 10 holds until 60 s after the last over-threshold decision, then follows the stable
 * load, at most halving per decision.
 */
import { MaxWindow } from "./max-window.js";

export interface KpaConfig {
  /** Per-replica target after utilisation (e.g. 7 = total 10 x 0.7); > 0. */
  target: number;
  /** Per-replica total capacity (e.g. 10), used for the excess burst capacity. */
  total: number;
  /** Spare capacity wanted before the buffer leaves the path: 0 none, -1 unlimited, > 0 capacity. */
  targetBurstCapacity: number;
  /** Panic when the panic load needs this ratio of ready replicas (2 = 200 %). */
  panicThreshold: number;
  /** At most this factor up per decision (e.g. 1000). */
  maxScaleUpRate: number;
  /** At most divided by this per decision (e.g. 2 halves). */
  maxScaleDownRate: number;
  /** Stable window in seconds (e.g. 60); panic lasts this long after its last trigger. */
  stableWindowSeconds: number;
  /** Scale-down delay in seconds; default 0 (none). */
  scaleDownDelaySeconds?: number;
  /** When >= 2, a non-zero count is raised to at least this; default 0 (unset). */
  activationScale?: number;
  /** False while the app receives no routed traffic (scale-down is then not rate limited); default true. */
  reachable?: boolean;
}

export interface KpaInput {
  /** ms epoch of this decision. */
  nowMs: number;
  /** Ready replicas; undefined when unknown (no decision). */
  readyReplicas?: number | undefined;
  /** App-wide load averaged over the stable window; undefined when there is no data. */
  stable?: number | undefined;
  /** App-wide load averaged over the panic window; undefined when there is no data. */
  panic?: number | undefined;
}

export interface KpaResult {
  /** False when inputs were missing: nothing changed, apply nothing. */
  valid: boolean;
  desired: number;
  excessBurstCapacity: number;
  /** Panic state after this decision. */
  panicking: boolean;
}

export interface KpaState {
  panicking: boolean;
  /** ms epoch of the last over-threshold decision (or of the start in panic); null when calm. */
  panicSinceMs: number | null;
  /** Panic high-water mark: the largest count decided in this panic. */
  highWater: number;
}

const delayGranularityMs = 2000;

export class KpaDecider {
  #config: Readonly<KpaConfig>;
  #panicSinceMs: number | null = null;
  /** Set when the decider starts in panic without a start time: the first decision dates it. */
  #panicFromFirstDecision = false;
  #highWater: number;
  #delay: MaxWindow | null = null;
  #undelayed = 0;

  /**
   * @param initialReadyReplicas ready replicas when the decider is created; more than 1 starts in
   *   panic with the high-water mark at that count, so a restart cannot scale down for a stable window.
   * @param startMs ms epoch the start-in-panic counts from; default: the first decision's time.
   */
  constructor(config: KpaConfig, initialReadyReplicas = 0, startMs?: number) {
    this.#config = checkConfig(config);
    this.#highWater = Math.max(0, Math.floor(initialReadyReplicas));
    if (initialReadyReplicas > 1) {
      if (startMs === undefined) this.#panicFromFirstDecision = true;
      else this.#panicSinceMs = startMs;
    }
    this.#setDelay(this.#config.scaleDownDelaySeconds ?? 0);
  }

  /** Takes a changed config and keeps the panic state and the delay window's contents. */
  update(config: KpaConfig): void {
    this.#config = checkConfig(config);
    this.#setDelay(this.#config.scaleDownDelaySeconds ?? 0);
  }

  get config(): Readonly<KpaConfig> {
    return this.#config;
  }

  get state(): KpaState {
    const panicking = this.#panicSinceMs !== null || this.#panicFromFirstDecision;
    return { panicking, panicSinceMs: this.#panicSinceMs, highWater: this.#highWater };
  }

  /** The last valid decision's desired count before the scale-down delay. */
  get undelayedDesired(): number {
    return this.#undelayed;
  }

  decide(input: KpaInput): KpaResult {
    const { nowMs, readyReplicas: ready, stable, panic } = input;
    if (ready === undefined || stable === undefined || panic === undefined) {
      return { valid: false, desired: 0, excessBurstCapacity: 0, panicking: this.state.panicking };
    }
    if (this.#panicFromFirstDecision) {
      this.#panicFromFirstDecision = false;
      this.#panicSinceMs = nowMs;
    }
    const c = this.#config;
    const reachable = c.reachable ?? true;
    const r = Math.max(1, ready);
    const maxUp = Math.ceil(c.maxScaleUpRate * r);
    const maxDown = reachable ? Math.floor(r / c.maxScaleDownRate) : 0;

    const s = Math.ceil(stable / c.target);
    const p = Math.ceil(panic / c.target);
    let stableCount = Math.min(Math.max(s, maxDown), maxUp);
    let panicCount = Math.min(Math.max(p, maxDown), maxUp);
    const activation = c.activationScale ?? 0;
    if (activation > 1) {
      if (s > 0 && activation > stableCount) stableCount = activation;
      if (p > 0 && activation > panicCount) panicCount = activation;
    }

    const over = p / r >= c.panicThreshold;
    if (over) {
      this.#panicSinceMs = nowMs;
    } else if (this.#panicSinceMs !== null && this.#panicSinceMs + c.stableWindowSeconds * 1000 < nowMs) {
      this.#panicSinceMs = null;
      this.#highWater = 0;
    }

    let desired = stableCount;
    if (this.#panicSinceMs !== null) {
      this.#highWater = Math.max(this.#highWater, stableCount, panicCount);
      desired = this.#highWater;
    }
    this.#undelayed = desired;

    if (reachable && this.#delay) {
      this.#delay.record(nowMs, desired);
      desired = this.#delay.current();
    }

    let ebc: number;
    if (c.targetBurstCapacity === 0) ebc = 0;
    else if (c.targetBurstCapacity < 0) ebc = -1;
    else ebc = Math.floor(ready * c.total - c.targetBurstCapacity - panic);

    return { valid: true, desired, excessBurstCapacity: ebc, panicking: this.#panicSinceMs !== null };
  }

  #setDelay(seconds: number): void {
    if (seconds <= 0) this.#delay = null;
    else if (this.#delay) this.#delay.resize(seconds * 1000);
    else this.#delay = new MaxWindow(seconds * 1000, delayGranularityMs);
  }
}

function checkConfig(c: KpaConfig): Readonly<KpaConfig> {
  const positive = ["target", "panicThreshold", "maxScaleUpRate", "maxScaleDownRate", "stableWindowSeconds"] as const;
  for (const key of positive) {
    if (!(Number.isFinite(c[key]) && c[key] > 0)) throw new RangeError(`KpaDecider: ${key} = ${c[key]} must be a finite number > 0`);
  }
  if (!(Number.isFinite(c.total) && c.total >= 0)) throw new RangeError(`KpaDecider: total = ${c.total} must be a finite number >= 0`);
  if (!(c.targetBurstCapacity >= -1)) {
    throw new RangeError(`KpaDecider: targetBurstCapacity = ${c.targetBurstCapacity} must be -1, 0 or > 0`);
  }
  const delay = c.scaleDownDelaySeconds ?? 0;
  if (!(Number.isFinite(delay) && delay >= 0)) throw new RangeError(`KpaDecider: scaleDownDelaySeconds = ${delay} must be >= 0`);
  const activation = c.activationScale ?? 0;
  if (!(Number.isInteger(activation) && activation >= 0)) {
    throw new RangeError(`KpaDecider: activationScale = ${activation} must be a whole number >= 0`);
  }
  return Object.freeze({ ...c });
}
