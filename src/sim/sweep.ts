/**
 * Policies to compare: a scaling block given as JSON (`--scaling`) and one knob varied over
 * values (`--sweep KEY=v1,v2,...`). Every variant goes through the real spec validator
 * (spec/validate.ts, the one `ebb deploy` uses), so a sweep cannot simulate a spec ebb would
 * refuse; a problem is SIM_OPTIONS_INVALID naming the flag, the field path and the rule.
 *
 * Keys: scaledownAfter (seconds or a duration: 30, "5m"), min and max (the replicas pair),
 * target (the value of the spec's metric, concurrency or requestRate), concurrencyLimit.
 */
import { EbbError } from "../kit/errors.js";
import { formatProblems, metricKind, validateApp, type ScalingSpec } from "../spec/index.js";

export const sweepKeys = ["scaledownAfter", "min", "max", "target", "concurrencyLimit"] as const;
export type SweepKey = (typeof sweepKeys)[number];

export interface Sweep {
  key: SweepKey;
  /** Each value as written (a number when it is one) with the scaling block it gives. */
  variants: Array<{ value: number | string; scaling: ScalingSpec }>;
}

function optionsInvalid(flag: string, message: string, details: Record<string, unknown> = {}): EbbError {
  return new EbbError("SIM_OPTIONS_INVALID", `${flag}: ${message}`, { flag, ...details });
}

/** A scaling block (raw, as in a manifest) validated and normalized; `flag` names its origin. */
export function validScaling(raw: unknown, flag: string): ScalingSpec {
  const res = validateApp({ name: "sim", command: ["sim"], workdir: "/", scaling: raw });
  if (res.ok) return res.spec.scaling;
  throw optionsInvalid(flag, formatProblems(res.problems).replace(/app spec/, "scaling block"), { problems: res.problems });
}

/** Reads `--scaling` JSON, e.g. `{"replicas":[0,10],"scaledownAfter":600}`. */
export function parseScalingJson(text: string, flag = "--scaling"): ScalingSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw optionsInvalid(flag, `not JSON: ${(err as Error).message}`);
  }
  return validScaling(raw, flag);
}

/** The scaling block back in manifest form (what validation reads). */
function toRaw(s: ScalingSpec): Record<string, unknown> {
  const raw: Record<string, unknown> = { replicas: [...s.replicas], scaledownAfter: s.scaledownAfter, metric: { ...s.metric } };
  if (s.concurrencyLimit !== undefined) raw.concurrencyLimit = s.concurrencyLimit;
  return raw;
}

/** `base` with `key` set to `value` (as typed on the command line), validated. */
export function withValue(base: ScalingSpec, key: SweepKey, value: number | string, flag = "--sweep"): ScalingSpec {
  const raw = toRaw(base);
  const [min, max] = base.replicas;
  switch (key) {
    case "scaledownAfter":
      raw.scaledownAfter = value;
      break;
    case "min":
      raw.replicas = [value, max];
      break;
    case "max":
      raw.replicas = [min, value];
      break;
    case "target":
      raw.metric = metricKind(base.metric) === "concurrency" ? { concurrency: value } : { requestRate: value };
      break;
    case "concurrencyLimit":
      raw.concurrencyLimit = value;
      break;
  }
  return validScaling(raw, `${flag} ${key}=${value}`);
}

/** Reads `KEY=v1,v2,...` into the variants of `base`. */
export function parseSweep(text: string, base: ScalingSpec, flag = "--sweep"): Sweep {
  const eq = text.indexOf("=");
  const key = text.slice(0, eq).trim();
  if (eq === -1 || !(sweepKeys as readonly string[]).includes(key)) {
    throw optionsInvalid(flag, `expected KEY=v1,v2,... with KEY one of ${sweepKeys.join(", ")}, got "${text}"`);
  }
  const values = text.slice(eq + 1).split(",").map((v) => v.trim());
  if (values.some((v) => v === "")) throw optionsInvalid(flag, `"${text}" has an empty value`);
  if (values.length > 100) throw optionsInvalid(flag, `at most 100 values, got ${values.length}`);
  return {
    key: key as SweepKey,
    variants: values.map((text) => {
      const value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
      return { value, scaling: withValue(base, key as SweepKey, value, flag) };
    }),
  };
}
