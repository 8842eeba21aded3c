/**
 * The autoscaler's narrow view of the world: it reads traffic (StatsSource, implemented by the
 * gateway) and ready counts, and writes desired replica counts (ScaleTarget, implemented by the
 * control plane). It never actuates anything itself.
 */

import type { TrafficSample } from "../spec/traffic.js";

export type { TrafficSample };

export interface StatsSource {
  /** Reads and resets the app's interval counters. */
  collect(app: string, nowMs: number): TrafficSample;
}

/** The rule that produced a decision, for "why did it scale?". */
export type ScaleRule =
  | "wake" // a request arrived at zero
  | "stable" // the stable-window average
  | "panic" // panic mode: the short window, never down
  | "scale-down-delay" // held up by scaledownAfter
  | "idle" // idle for scaledownAfter: down to min
  | "in-flight" // kept at one or more while requests are in flight or waiting
  | "min" // clamped up to min
  | "max" // clamped down to max
  | "no-data"; // nothing observed yet: no change

export interface ScaleDecision {
  app: string;
  /** ms epoch. */
  at: number;
  previous: number;
  desired: number;
  rule: ScaleRule;
  /** The inputs behind it, shown in events and the console. */
  inputs: {
    metric: "concurrency" | "requestRate";
    /** Per-replica target after utilisation (e.g. total 10 x 0.7 = 7). */
    target: number;
    stableLoad: number;
    panicLoad: number;
    stableWindowSec: number;
    panicWindowSec: number;
    panicking: boolean;
    readyReplicas: number;
    idleSec: number | null;
    scaledownAfterSec: number;
    min: number;
    max: number;
    /** What the KPA core alone wanted, before ebb's policy. */
    kpaDesired: number | null;
  };
}

export interface ScaleTarget {
  readyReplicas(app: string): number;
  /** Called only when desired changes (and on wake). */
  setDesired(decision: ScaleDecision): void;
}
