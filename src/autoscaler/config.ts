/**
 * The autoscaler's server-wide settings: defaults in one frozen object, checked once when the
 * autoscaler is built, then frozen. The knobs and their ranges are Knative's config-autoscaler
 * keys (reference/knative-kpa.md §1), so values that work there mean the same here. A bad value
 * is an operator's mistake in the server config, not a user's app spec, so it is a plain Error
 * naming the key, the value received and the rule, with every problem listed at once.
 */

export interface AutoscalerConfig {
  /** Decision period in ms; default 1000. */
  tickMs: number;
  /** Stable window in whole seconds; default 60 (Knative: 6 to 3600). */
  stableWindowSec: number;
  /** Panic window as a percentage of the stable window; default 10 (-> 6 s). */
  panicWindowPct: number;
  /** Panic when the short window needs this % of the ready replicas; default 200. */
  panicThresholdPct: number;
  /** At most this factor more replicas per decision; default 1000. */
  maxScaleUpRate: number;
  /** At most this factor fewer replicas per decision; default 2 (halving). */
  maxScaleDownRate: number;
  /** Share of the per-replica metric value aimed for; default 0.7 (concurrency 10 -> target 7). */
  targetUtilization: number;
}

export const defaultAutoscalerConfig: Readonly<AutoscalerConfig> = Object.freeze({
  tickMs: 1000,
  stableWindowSec: 60,
  panicWindowPct: 10,
  panicThresholdPct: 200,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  targetUtilization: 0.7,
});

/** Apps one autoscaler tracks at most; upsert past it fails. */
export const defaultMaxApps = 100_000;

interface Rule {
  ok: (v: number) => boolean;
  rule: string;
}

const isInt = (v: number): boolean => Number.isInteger(v);

const rules: Record<keyof AutoscalerConfig, Rule> = {
  tickMs: { ok: (v) => isInt(v) && v >= 10 && v <= 60_000, rule: "a whole number of ms from 10 to 60000" },
  stableWindowSec: { ok: (v) => isInt(v) && v >= 6 && v <= 3600, rule: "a whole number of seconds from 6 to 3600" },
  panicWindowPct: { ok: (v) => v >= 1 && v <= 100, rule: "a percentage from 1 to 100" },
  panicThresholdPct: { ok: (v) => v >= 110 && v <= 1000, rule: "a percentage from 110 to 1000" },
  maxScaleUpRate: { ok: (v) => v > 1, rule: "a number greater than 1" },
  maxScaleDownRate: { ok: (v) => v > 1, rule: "a number greater than 1" },
  targetUtilization: { ok: (v) => v > 0 && v <= 1, rule: "a fraction greater than 0 and at most 1" },
};

/** Every problem with a partial config, one sentence each; empty when it is valid. */
export function autoscalerConfigProblems(input: unknown): string[] {
  if (input === undefined) return [];
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return [`autoscaler config must be an object, got ${JSON.stringify(input)}`];
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const rule = rules[key as keyof AutoscalerConfig];
    if (!rule) {
      problems.push(`autoscaler config: unknown key "${key}" (known: ${Object.keys(rules).join(", ")})`);
    } else if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || !rule.ok(value))) {
      problems.push(`autoscaler config: ${key} = ${JSON.stringify(value)} is invalid: must be ${rule.rule}`);
    }
  }
  return problems;
}

/** Fills in defaults, checks every key and returns a frozen config; throws an Error listing every problem. */
export function resolveAutoscalerConfig(input: Partial<AutoscalerConfig> = {}): Readonly<AutoscalerConfig> {
  const problems = autoscalerConfigProblems(input);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const merged: AutoscalerConfig = { ...defaultAutoscalerConfig };
  for (const key of Object.keys(rules) as Array<keyof AutoscalerConfig>) {
    const value = input[key];
    if (value !== undefined) merged[key] = value;
  }
  return Object.freeze(merged);
}

/** The panic window in whole seconds: stable x pct / 100, rounded, at least 1 (60 s x 10 % = 6 s). */
export function panicWindowSec(config: Pick<AutoscalerConfig, "stableWindowSec" | "panicWindowPct">): number {
  return Math.max(1, Math.round((config.stableWindowSec * config.panicWindowPct) / 100));
}
