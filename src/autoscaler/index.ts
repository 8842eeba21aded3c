/**
 * ebb's autoscaler (the `ebb/autoscaler` package entry): decides how many replicas each app
 * should run, and never actuates. It follows Knative's split of the work:
 *
 * - window.ts, max-window.ts: the metric windows (1 s buckets averaged as Knative does) and the
 *   max-over-time window behind the scale-down delay;
 * - kpa.ts: KpaDecider, Knative's KPA decision step for step, pure, time passed in;
 * - policy.ts: ebb's rules for one app around the decider (min/max, idle to zero exactly
 *   scaledownAfter after the last request, never zero with work in flight, wake at zero);
 * - loop.ts: the tick loop over every app, reading StatsSource and writing ScaleTarget;
 * - config.ts: the server settings with their defaults and validation;
 * - fake.ts: hand-driven StatsSource and ScaleTarget for tests.
 *
 * It imports only spec/ and kit/, takes time from a Clock, and reads no environment: the
 * simulator (sim/) runs this same code on recorded traffic. docs/scaling.md explains the
 * decisions to users.
 *
 * @example
 * import { KpaDecider } from "ebb/autoscaler";
 * const d = new KpaDecider({ target: 7, total: 10, targetBurstCapacity: 0, panicThreshold: 2,
 *   maxScaleUpRate: 1000, maxScaleDownRate: 2, stableWindowSeconds: 60 }, 1);
 * d.decide({ nowMs: 0, readyReplicas: 1, stable: 20, panic: 20 }); // desired 3
 */
export { AverageWindow } from "./window.js";
export { MaxWindow } from "./max-window.js";
export { KpaDecider, type KpaConfig, type KpaInput, type KpaResult, type KpaState } from "./kpa.js";
export { ScalingPolicy } from "./policy.js";
export { Autoscaler, appLimitCode, type AutoscalerOptions, type TickStats } from "./loop.js";
export {
  autoscalerConfigProblems,
  defaultAutoscalerConfig,
  defaultMaxApps,
  panicWindowSec,
  resolveAutoscalerConfig,
  type AutoscalerConfig,
} from "./config.js";
export { FakeScaleTarget, FakeStats } from "./fake.js";
export type { ScaleDecision, ScaleRule, ScaleTarget, StatsSource, TrafficSample } from "./types.js";
