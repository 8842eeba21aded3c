/**
 * The nested sections of a spec: scaling, timeouts, readiness and resources. Each reader fills
 * in the defaults of specDefaults for absent keys and reports problems through its cursor.
 * Scaling keeps Flyte's rules for `Scaling`: replicas (min, max) integers with min >= 0,
 * max >= 1 and max >= min, one int n meaning (n, n); metric targets >= 1.
 */
import { specDefaults, specLimits } from "./defaults.js";
import { type RawObject, checkBounds, readNumber, readObject, readSeconds, readString } from "./fields.js";
import { type Cursor, describeType, show } from "./problem.js";
import { formatMemory, readCpu, readMemory } from "./quantity.js";
import type { AppSpec, MetricSpec, ScalingSpec } from "./types.js";

const scalingKeys = ["replicas", "scaledownAfter", "metric", "concurrencyLimit"];
const metricKeys = ["concurrency", "requestRate"] as const;

function readReplicas(cur: Cursor, value: unknown): [number, number] {
  if (value === undefined) return [...specDefaults.replicas];
  if (typeof value === "number" && Number.isFinite(value)) {
    if (!checkBounds(cur, value, value, { integer: true })) return [...specDefaults.replicas];
    if (value < specLimits.maxReplicasMin) {
      cur.report(value, "minimum", `one number n means [n, n] and max must be >= 1, got ${value}; write [0, 1] to allow scaling to zero`);
      return [...specDefaults.replicas];
    }
    return [value, value];
  }
  if (!Array.isArray(value)) {
    cur.report(value, "type", `expected an integer n (meaning [n, n]) or a [min, max] pair, got ${describeType(value)}`);
    return [...specDefaults.replicas];
  }
  if (value.length !== 2) {
    cur.report(value, "pair", `expected exactly two integers [min, max], got ${value.length}: ${show(value)}`);
    return [...specDefaults.replicas];
  }
  const min = readNumber(cur.index(0), value[0], { integer: true, min: specLimits.minReplicasMin });
  const max = readNumber(cur.index(1), value[1], { integer: true, min: specLimits.maxReplicasMin });
  if (min !== undefined && max !== undefined && max < min) {
    cur.index(1).report(max, "maxAtLeastMin", `max replicas must be >= min replicas (${min}), got ${max}`);
  }
  return [min ?? 0, max ?? 1];
}

function readMetric(cur: Cursor, value: unknown): MetricSpec {
  if (value === undefined) return { ...specDefaults.metric };
  const obj = readObject(cur, value, metricKeys);
  if (!obj) return { ...specDefaults.metric };
  const present = metricKeys.filter((k) => k in obj);
  const unknown = Object.keys(obj).length - present.length;
  if (present.length > 1 || (present.length === 0 && unknown === 0)) {
    cur.report(value, "exactlyOne", `expected exactly one of concurrency or requestRate, got ${present.length === 0 ? "none" : present.join(" and ")}`);
  }
  const kind = present[0];
  if (kind === undefined) return { ...specDefaults.metric };
  const target = readNumber(cur.key(kind), obj[kind], { min: specLimits.metricTargetMin }) ?? 1;
  return kind === "concurrency" ? { concurrency: target } : { requestRate: target };
}

export function readScaling(cur: Cursor, value: unknown): ScalingSpec {
  const obj: RawObject = value === undefined ? {} : (readObject(cur, value, scalingKeys) ?? {});
  const scaling: ScalingSpec = {
    replicas: readReplicas(cur.key("replicas"), obj.replicas),
    scaledownAfter:
      obj.scaledownAfter === undefined
        ? specDefaults.scaledownAfterSec
        : (readSeconds(cur.key("scaledownAfter"), obj.scaledownAfter, { min: specLimits.scaledownAfterMinSec }) ?? 0),
    metric: readMetric(cur.key("metric"), obj.metric),
  };
  if (obj.concurrencyLimit !== undefined && obj.concurrencyLimit !== null) {
    const limit = readNumber(cur.key("concurrencyLimit"), obj.concurrencyLimit, { integer: true, min: specLimits.concurrencyLimitMin });
    if (limit !== undefined) scaling.concurrencyLimit = limit;
  }
  return scaling;
}

export function readTimeouts(cur: Cursor, value: unknown): AppSpec["timeouts"] {
  const obj: RawObject = value === undefined ? {} : (readObject(cur, value, ["request", "startup"]) ?? {});
  const bounds = { above: 0, max: specLimits.timeoutMaxSec };
  const read = (key: string, fallback: number): number =>
    obj[key] === undefined ? fallback : (readSeconds(cur.key(key), obj[key], bounds) ?? fallback);
  return { request: read("request", specDefaults.requestTimeoutSec), startup: read("startup", specDefaults.startupTimeoutSec) };
}

export function readReadiness(cur: Cursor, value: unknown): AppSpec["readiness"] {
  const obj: RawObject = value === undefined ? {} : (readObject(cur, value, ["path"]) ?? {});
  if (obj.path === undefined || obj.path === null) return { path: specDefaults.readinessPath };
  const at = cur.key("path");
  const path = readString(at, obj.path);
  if (path !== undefined && !/^\/\S*$/.test(path)) {
    at.report(path, "urlPath", `expected an HTTP path starting with '/' and without spaces (e.g. "/healthz"), got ${show(path)}`);
  }
  return { path: path ?? null };
}

export function readResources(cur: Cursor, value: unknown): AppSpec["resources"] {
  const obj: RawObject = value === undefined ? {} : (readObject(cur, value, ["cpu", "memory"]) ?? {});
  let cpu: number = specDefaults.cpu;
  if (obj.cpu !== undefined) {
    const at = cur.key("cpu");
    const read = readCpu(obj.cpu);
    if (!read.ok) at.report(obj.cpu, typeof obj.cpu === "string" ? "quantity" : "type", read.reason);
    else if (checkBounds(at, obj.cpu, read.amount, { above: 0 })) cpu = read.amount;
  }
  let memory: string = specDefaults.memory;
  if (obj.memory !== undefined) {
    const at = cur.key("memory");
    const read = readMemory(obj.memory);
    if (!read.ok) at.report(obj.memory, typeof obj.memory === "string" ? "quantity" : "type", read.reason);
    else if (checkBounds(at, obj.memory, read.amount, { above: 0 })) memory = formatMemory(read.amount);
  }
  return { cpu, memory };
}
