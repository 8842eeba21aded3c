/**
 * The autoscaler's tick loop: every `tickMs` (1 s by default, on the Clock it is given) it reads
 * each app's traffic from the StatsSource, lets the app's ScalingPolicy decide, and hands a
 * decision to the ScaleTarget only when the desired count changes. A request at zero does not
 * wait for a tick: `poke(app)` decides at once. The loop decides; it never starts or stops
 * anything itself.
 *
 * Cost: most registered apps are idle at zero, and a tick does not visit them at all. An app is
 * dormant once it is at zero with min 0 and its windows are gone (ScalingPolicy.dormant): a
 * tick could only decide something for it after traffic, and traffic reaches an app at zero only
 * through a wake, which pokes it. A tick walks the awake apps (those with replicas, a min above
 * zero, windows, or a poke, upsert or decision since they were last seen dormant), so its cost
 * follows the apps with traffic, not the apps registered. For an awake app without traffic a
 * tick is one `collect` and a few comparisons; windows and the decider are allocated on an
 * app's first traffic and dropped when it goes idle to zero. `lastTick` counts decider runs,
 * skips and dormant apps per tick so tests can check this without timing.
 */
import { EbbError } from "../kit/errors.js";
import type { Clock, Timer } from "../kit/clock.js";
import type { Closable } from "../kit/lifecycle.js";
import { silentLogger, type Logger } from "../kit/log.js";
import type { ScalingSpec } from "../spec/types.js";
import { defaultMaxApps, resolveAutoscalerConfig, type AutoscalerConfig } from "./config.js";
import { ScalingPolicy } from "./policy.js";
import type { ScaleDecision, ScaleTarget, StatsSource } from "./types.js";

export interface AutoscalerOptions {
  clock: Clock;
  stats: StatsSource;
  target: ScaleTarget;
  /** Server settings; missing keys take `defaultAutoscalerConfig`. Checked once here. */
  config?: Partial<AutoscalerConfig>;
  log?: Logger;
  /** Apps tracked at most; default 100,000. */
  maxApps?: number;
}

export interface TickStats {
  /** ms epoch of the tick. */
  at: number;
  apps: number;
  /** Apps whose decider ran. */
  decided: number;
  /** Apps not deciding this tick (idle), the dormant ones included. */
  skipped: number;
  /** Apps not even visited: dormant at zero (see ScalingPolicy.dormant). */
  dormant: number;
  /** Decisions handed to the target. */
  changed: number;
  /** Apps whose collect, decision or setDesired threw. */
  errors: number;
}

/** Code of the error thrown by `upsert` past `maxApps` (to be added to spec/catalogue.ts). */
export const appLimitCode = "AUTOSCALER_APP_LIMIT";

export class Autoscaler implements Closable {
  readonly config: Readonly<AutoscalerConfig>;
  readonly #clock: Clock;
  readonly #stats: StatsSource;
  readonly #target: ScaleTarget;
  readonly #log: Logger;
  readonly #maxApps: number;
  readonly #apps = new Map<string, ScalingPolicy>();
  /** The apps a tick visits: every app that is not known to be dormant. A subset of #apps. */
  readonly #awake = new Set<ScalingPolicy>();
  #timer: Timer | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  #lastTick: TickStats = { at: 0, apps: 0, decided: 0, skipped: 0, dormant: 0, changed: 0, errors: 0 };

  constructor(opts: AutoscalerOptions) {
    this.config = resolveAutoscalerConfig(opts.config);
    this.#clock = opts.clock;
    this.#stats = opts.stats;
    this.#target = opts.target;
    this.#log = (opts.log ?? silentLogger).child({ component: "autoscaler" });
    this.#maxApps = opts.maxApps ?? defaultMaxApps;
  }

  /**
   * Registers an app or takes its changed spec (the decider keeps its state). `currentDesired`
   * says how many replicas the app has now (default: its min, or unchanged on update).
   */
  upsert(app: string, scaling: ScalingSpec, opts: { currentDesired?: number } = {}): void {
    const known = this.#apps.get(app);
    if (known) {
      known.update(scaling, this.#clock.now());
      if (opts.currentDesired !== undefined) known.desired = opts.currentDesired;
      this.#awake.add(known);
      return;
    }
    if (this.#apps.size >= this.#maxApps) {
      throw new EbbError(appLimitCode, `The autoscaler tracks at most ${this.#maxApps} apps; ${app} was not added.`, {
        app,
        maxApps: this.#maxApps,
      });
    }
    const policy = new ScalingPolicy(app, scaling, this.config, { nowMs: this.#clock.now(), desired: opts.currentDesired });
    this.#apps.set(app, policy);
    this.#awake.add(policy);
  }

  /** Forgets an app; true if it was known. */
  remove(app: string): boolean {
    const policy = this.#apps.get(app);
    if (policy) this.#awake.delete(policy);
    return this.#apps.delete(app);
  }

  /**
   * A request arrived for an app with no ready replica: decide now, and tell the target even if
   * the count is unchanged (unless it stays 0: the request left before the decision).
   */
  poke(app: string): ScaleDecision | undefined {
    const policy = this.#apps.get(app);
    if (!policy || this.#closed) return undefined;
    this.#awake.add(policy);
    const now = this.#clock.now();
    try {
      const decision = policy.step(now, this.#stats.collect(app, now), this.#target, true);
      if (decision && (decision.desired > 0 || decision.previous > 0)) this.#apply(policy, decision);
      return decision ?? undefined;
    } catch (err) {
      this.#log.error("wake decision failed", { app, err });
      return undefined;
    }
  }

  /** Ticks every `config.tickMs` on the clock until closed. */
  start(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = this.#clock.setInterval(() => this.tick(), this.config.tickMs);
  }

  /** One round over every awake app. */
  tick(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    const stats: TickStats = { at: now, apps: this.#apps.size, decided: 0, skipped: 0, dormant: 0, changed: 0, errors: 0 };
    for (const policy of this.#awake) {
      const before = policy.deciderCalls;
      try {
        const decision = policy.step(now, this.#stats.collect(policy.app, now), this.#target);
        if (decision && decision.desired !== decision.previous) {
          if (this.#apply(policy, decision)) stats.changed++;
          else stats.errors++;
        }
      } catch (err) {
        stats.errors++;
        this.#log.error("scaling decision failed", { app: policy.app, err });
      }
      if (policy.deciderCalls === before) stats.skipped++;
      else stats.decided++;
      if (policy.dormant) {
        this.#awake.delete(policy);
        policy.lastDecision = undefined;
      }
    }
    stats.dormant = stats.apps - stats.decided - stats.skipped;
    stats.skipped += stats.dormant;
    this.#lastTick = stats;
  }

  /** Desired replicas as last applied, or undefined for an unknown app. */
  desired(app: string): number | undefined {
    return this.#apps.get(app)?.desired;
  }

  /**
   * The last decision computed for an app, applied or not (for "why this count?"); undefined
   * once the app is dormant at zero (its last change is in its events).
   */
  explain(app: string): ScaleDecision | undefined {
    return this.#apps.get(app)?.lastDecision;
  }

  get size(): number {
    return this.#apps.size;
  }

  /** Apps a tick visits (not dormant, or not yet seen dormant). */
  get awakeApps(): number {
    return this.#awake.size;
  }

  /** Apps holding windows and a decider (apps with recent traffic). */
  get liveApps(): number {
    let n = 0;
    for (const p of this.#apps.values()) if (p.live) n++;
    return n;
  }

  get lastTick(): Readonly<TickStats> {
    return this.#lastTick;
  }

  /** Stops ticking; nothing is in flight between ticks, so draining is immediate. */
  close(): Promise<void> {
    this.#stop();
    return (this.#closing ??= Promise.resolve());
  }

  destroy(err?: Error): void {
    if (err && !this.#closed) this.#log.warn("autoscaler destroyed", { err });
    this.#stop();
  }

  #stop(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = null;
  }

  #apply(policy: ScalingPolicy, decision: ScaleDecision): boolean {
    try {
      this.#target.setDesired(decision);
    } catch (err) {
      this.#log.error("setDesired failed", { app: decision.app, desired: decision.desired, err });
      return false;
    }
    policy.desired = decision.desired;
    if (!policy.dormant) this.#awake.add(policy);
    if (decision.desired !== decision.previous) {
      this.#log.info("desired replicas", { app: decision.app, from: decision.previous, to: decision.desired, rule: decision.rule });
    }
    return true;
  }
}
