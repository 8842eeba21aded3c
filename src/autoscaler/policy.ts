/**
 * ebb's scaling policy for one app (DESIGN §2): the KPA decider fed from the app's traffic, with
 * ebb's rules on top. It owns the app's windows and decider, both allocated on first traffic
 * and dropped when the app goes idle to zero, so an app that sees no traffic costs a few
 * comparisons per tick.
 *
 * From the app's ScalingSpec: total = the metric value ({ concurrency: 10 } -> 10), target =
 * total x targetUtilization (0.7 -> 7), no burst capacity (ebb's gateway is always in the path),
 * scale-down delay = scaledownAfter. Then, in order:
 * 1. idle: nothing in flight or queued, no arrival since the last tick, and no arrival or
 *    completion for scaledownAfter seconds (counted from registration, or from the last changed
 *    spec, when that is later): desired = min at once, whatever the windows still hold;
 * 2. never 0 while a request is in flight or queued (reported as "wake" when no replica is
 *    ready, else as "in-flight");
 * 3. clamp into [min, max];
 * 4. a wake (a request arrived at zero) decides at once from the waiting requests.
 * Each result is a ScaleDecision naming the rule that set the count and carrying its inputs.
 *
 * Load: concurrency is the sample's time-weighted average in flight (queued included, as Knative
 * counts requests before its limiter, so waiting work shows as load); requestRate is arrivals
 * per second. A wake at zero records the requests waiting now as one second's load, as Knative's
 * activator reports a first request at once instead of waiting for a scrape; a wake while
 * replicas are already on their way decides on the windows as they are (the next tick records
 * the waiting requests), so the same requests are not counted twice.
 */
import { metricKind, metricTarget, type MetricKind, type ScalingSpec } from "../spec/types.js";
import { panicWindowSec, type AutoscalerConfig } from "./config.js";
import { KpaDecider, type KpaConfig } from "./kpa.js";
import type { ScaleDecision, ScaleRule, ScaleTarget, TrafficSample } from "./types.js";
import { AverageWindow } from "./window.js";

interface Live {
  stable: AverageWindow;
  panic: AverageWindow;
  decider: KpaDecider;
  /** ms epoch of the last sample that carried any traffic. */
  lastLoadMs: number;
}

interface Outcome {
  desired: number;
  rule: ScaleRule;
  kpaDesired: number | null;
  stableLoad: number;
  panicLoad: number;
  panicking: boolean;
}

export class ScalingPolicy {
  readonly app: string;
  readonly #config: Readonly<AutoscalerConfig>;
  readonly #panicWindowSec: number;
  #scaling!: ScalingSpec;
  #metric!: MetricKind;
  #total = 0;
  #target = 0;
  #idleFromMs: number;
  #lastActiveAt: number | null = null;
  #live: Live | null = null;
  /** True once a decider existed: later ones start calm (the history was seen, not lost). */
  #hadDecider = false;
  /** Desired replicas as last applied. */
  desired: number;
  /** Decider runs so far (for tests and tick accounting). */
  deciderCalls = 0;
  /** The last decision computed, applied or not. */
  lastDecision: ScaleDecision | undefined;

  constructor(app: string, scaling: ScalingSpec, config: Readonly<AutoscalerConfig>, opts: { nowMs: number; desired?: number }) {
    this.app = app;
    this.#config = config;
    this.#panicWindowSec = panicWindowSec(config);
    this.#idleFromMs = opts.nowMs;
    this.update(scaling);
    this.desired = opts.desired ?? scaling.replicas[0];
  }

  get scaling(): ScalingSpec {
    return this.#scaling;
  }

  /** Per-replica target after utilisation. */
  get target(): number {
    return this.#target;
  }

  /** True while windows and a decider are allocated. */
  get live(): boolean {
    return this.#live !== null;
  }

  /**
   * At zero with min 0 and no windows: a tick without traffic decides nothing, and traffic can
   * only reach it through a wake (the gateway holds requests at zero and pokes), so the loop
   * need not visit it until then.
   */
  get dormant(): boolean {
    return this.desired === 0 && this.#live === null && this.#scaling.replicas[0] === 0;
  }

  /**
   * Takes a changed spec; the decider keeps its state unless the metric kind changed. A changed
   * spec is a new deploy: the idle time restarts from it.
   */
  update(scaling: ScalingSpec, nowMs?: number): void {
    const [min, max] = scaling.replicas;
    const value = metricTarget(scaling.metric);
    if (!(min >= 0 && max >= 1 && max >= min && value > 0 && scaling.scaledownAfter >= 0)) {
      throw new RangeError(`scaling spec of ${this.app} is not normalized: ${JSON.stringify(scaling)}`);
    }
    const metric = metricKind(scaling.metric);
    if (this.#live && metric !== this.#metric) this.#live = null;
    if (nowMs !== undefined && !sameScaling(this.#scaling, scaling)) this.#idleFromMs = nowMs;
    this.#scaling = scaling;
    this.#metric = metric;
    this.#total = value;
    this.#target = Math.max(0.01, value * this.#config.targetUtilization);
    this.#live?.decider.update(this.#kpaConfig());
  }

  /**
   * One decision from a fresh sample. Returns null when nothing needs saying (the count stays and
   * the decider did not run); `wake` always decides.
   */
  step(nowMs: number, sample: TrafficSample, target: ScaleTarget, wake = false): ScaleDecision | null {
    if (sample.lastActiveAt !== null && (this.#lastActiveAt === null || sample.lastActiveAt > this.#lastActiveAt)) {
      this.#lastActiveAt = sample.lastActiveAt;
    }
    const active = sample.inflight > 0 || sample.queued > 0 || sample.arrivals > 0 || sample.avgConcurrency > 0;
    if (!active && !wake) {
      if (this.#live && nowMs - this.#live.lastLoadMs > this.#releaseAfterMs()) this.#live = null;
      if (this.desired === 0 && this.#scaling.replicas[0] === 0) return null;
      if (!this.#live) return this.#decideWithoutDecider(nowMs, sample, target);
    }
    const live = this.#ensureLive(nowMs, target);
    if (!wake) this.#record(live, nowMs, sample);
    else if (this.desired === 0) this.#recordWake(live, nowMs, sample);
    if (active) live.lastLoadMs = nowMs;

    const ready = target.readyReplicas(this.app);
    const stable = live.stable.isEmpty(nowMs) ? undefined : live.stable.average(nowMs);
    const panic = live.panic.isEmpty(nowMs) ? undefined : live.panic.average(nowMs);
    this.deciderCalls++;
    const res = live.decider.decide({ nowMs, readyReplicas: ready, stable, panic });
    let rule: ScaleRule = "no-data";
    if (res.valid) rule = res.panicking ? "panic" : live.decider.undelayedDesired < res.desired ? "scale-down-delay" : "stable";
    const outcome = this.#ebbRules(nowMs, sample, ready, wake, {
      desired: res.valid ? res.desired : this.desired,
      rule,
      kpaDesired: res.valid ? res.desired : null,
      stableLoad: stable ?? 0,
      panicLoad: panic ?? 0,
      panicking: res.panicking,
    });
    if (outcome.rule === "idle" && outcome.desired === 0) this.#live = null;
    return this.#decision(nowMs, sample, ready, outcome);
  }

  /** No traffic and no history: only the idle rule and the bounds can change the count. */
  #decideWithoutDecider(nowMs: number, sample: TrafficSample, target: ScaleTarget): ScaleDecision | null {
    const [min, max] = this.#scaling.replicas;
    const idle = this.#idleMs(nowMs) >= this.#scaling.scaledownAfter * 1000;
    if ((idle ? min : Math.min(Math.max(this.desired, min), max)) === this.desired) return null;
    const none: Outcome = { desired: this.desired, rule: "no-data", kpaDesired: null, stableLoad: 0, panicLoad: 0, panicking: false };
    const ready = target.readyReplicas(this.app);
    return this.#decision(nowMs, sample, ready, this.#ebbRules(nowMs, sample, ready, false, none));
  }

  #ebbRules(nowMs: number, sample: TrafficSample, ready: number, wake: boolean, kpa: Outcome): Outcome {
    const [min, max] = this.#scaling.replicas;
    const busy = sample.inflight > 0 || sample.queued > 0;
    if (!busy && !wake && sample.arrivals === 0 && this.#idleMs(nowMs) >= this.#scaling.scaledownAfter * 1000) {
      return { ...kpa, desired: min, rule: "idle" };
    }
    let { desired, rule } = kpa;
    if (busy && desired < 1) {
      desired = 1;
      rule = ready === 0 ? "wake" : "in-flight";
    }
    if (desired < min) {
      desired = min;
      rule = "min";
    }
    if (desired > max) {
      desired = max;
      rule = "max";
    }
    if (wake && this.desired === 0 && desired > 0) rule = "wake";
    return { ...kpa, desired, rule };
  }

  #decision(nowMs: number, sample: TrafficSample, ready: number, o: Outcome): ScaleDecision {
    const [min, max] = this.#scaling.replicas;
    const busy = sample.inflight > 0 || sample.queued > 0;
    const decision: ScaleDecision = {
      app: this.app,
      at: nowMs,
      previous: this.desired,
      desired: o.desired,
      rule: o.rule,
      inputs: {
        metric: this.#metric,
        target: this.#target,
        stableLoad: o.stableLoad,
        panicLoad: o.panicLoad,
        stableWindowSec: this.#config.stableWindowSec,
        panicWindowSec: this.#panicWindowSec,
        panicking: o.panicking,
        readyReplicas: ready,
        idleSec: busy ? null : this.#idleMs(nowMs) / 1000,
        scaledownAfterSec: this.#scaling.scaledownAfter,
        min,
        max,
        kpaDesired: o.kpaDesired,
      },
    };
    this.lastDecision = decision;
    return decision;
  }

  #recordWake(live: Live, nowMs: number, sample: TrafficSample): void {
    const load = Math.max(0, sample.inflight, sample.queued);
    live.stable.record(nowMs, load);
    live.panic.record(nowMs, load);
  }

  #record(live: Live, nowMs: number, sample: TrafficSample): void {
    if (!(sample.intervalMs > 0)) return;
    const load =
      this.#metric === "concurrency" ? sample.avgConcurrency : sample.arrivals / (sample.intervalMs / 1000);
    live.stable.recordInterval(nowMs, sample.intervalMs, Math.max(0, load));
    live.panic.recordInterval(nowMs, sample.intervalMs, Math.max(0, load));
  }

  #ensureLive(nowMs: number, target: ScaleTarget): Live {
    if (this.#live) return this.#live;
    const initialReady = this.#hadDecider ? 0 : target.readyReplicas(this.app);
    this.#hadDecider = true;
    this.#live = {
      stable: new AverageWindow(this.#config.stableWindowSec * 1000),
      panic: new AverageWindow(this.#panicWindowSec * 1000),
      decider: new KpaDecider(this.#kpaConfig(), initialReady, nowMs),
      lastLoadMs: nowMs,
    };
    return this.#live;
  }

  #kpaConfig(): KpaConfig {
    return {
      target: this.#target,
      total: this.#total,
      targetBurstCapacity: 0,
      panicThreshold: this.#config.panicThresholdPct / 100,
      maxScaleUpRate: this.#config.maxScaleUpRate,
      maxScaleDownRate: this.#config.maxScaleDownRate,
      stableWindowSeconds: this.#config.stableWindowSec,
      scaleDownDelaySeconds: this.#scaling.scaledownAfter,
      reachable: true,
    };
  }

  /**
   * After this long without traffic the windows hold nothing that matters any more and the idle
   * rule decides, so the windows and the decider can go.
   */
  #releaseAfterMs(): number {
    return Math.max(this.#config.stableWindowSec, this.#scaling.scaledownAfter) * 1000;
  }

  #idleMs(nowMs: number): number {
    const since = this.#lastActiveAt === null ? this.#idleFromMs : Math.max(this.#lastActiveAt, this.#idleFromMs);
    return nowMs - since;
  }
}

function sameScaling(a: ScalingSpec, b: ScalingSpec): boolean {
  return (
    a.replicas[0] === b.replicas[0] &&
    a.replicas[1] === b.replicas[1] &&
    a.scaledownAfter === b.scaledownAfter &&
    metricKind(a.metric) === metricKind(b.metric) &&
    metricTarget(a.metric) === metricTarget(b.metric) &&
    a.concurrencyLimit === b.concurrencyLimit
  );
}
