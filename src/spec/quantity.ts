/**
 * Resource quantities in Kubernetes notation, so that one spec serves the local runtime and the
 * Kubernetes one. Memory: bytes as a number, or a string with a binary (Ki, Mi, Gi, Ti, Pi) or
 * decimal (k or K, M, G, T, P) suffix. CPU: cores as a number, or millicores ("500m").
 * Normalized specs write memory in one canonical form, so equal amounts hash equally.
 */
import { specInvalid } from "./problem.js";

const memoryFactor: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};
/** Canonical suffixes, preferred in this order on equal length ("k", not "K": Kubernetes reads only "k"). */
const canonicalSuffixes = ["Pi", "Ti", "Gi", "Mi", "Ki", "P", "T", "G", "M", "k"];
const memoryPattern = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/;
const cpuPattern = /^(\d+(?:\.\d+)?|\.\d+)(m)?$/;

export type QuantityRead = { ok: true; amount: number } | { ok: false; reason: string };

/** Bytes (rounded up, as Kubernetes does) from a memory quantity, without throwing. */
export function readMemory(value: unknown): QuantityRead {
  if (typeof value === "number") {
    return Number.isFinite(value) ? { ok: true, amount: Math.ceil(value) } : { ok: false, reason: `expected a finite number of bytes, got ${value}` };
  }
  if (typeof value !== "string") return { ok: false, reason: 'expected bytes (a number) or a quantity such as "512Mi" or "1G"' };
  const m = memoryPattern.exec(value.trim());
  if (!m) return { ok: false, reason: `"${value}" is not a memory quantity; use bytes or a suffix Ki, Mi, Gi, Ti, Pi, k, M, G, T, P (e.g. "512Mi")` };
  const bytes = Math.ceil(Number(m[1]) * (m[2] ? memoryFactor[m[2]]! : 1));
  if (!Number.isSafeInteger(bytes)) return { ok: false, reason: `"${value}" is too large` };
  return { ok: true, amount: bytes };
}

/** Cores from a CPU quantity (1, 0.5, "500m", "2"), without throwing. */
export function readCpu(value: unknown): QuantityRead {
  if (typeof value === "number") {
    return Number.isFinite(value) ? { ok: true, amount: value } : { ok: false, reason: `expected a finite number of cores, got ${value}` };
  }
  if (typeof value !== "string") return { ok: false, reason: 'expected cores (a number) or millicores such as "500m"' };
  const m = cpuPattern.exec(value.trim());
  if (!m) return { ok: false, reason: `"${value}" is not a CPU quantity; use cores (0.5, "2") or millicores ("500m")` };
  return { ok: true, amount: m[2] ? Number(m[1]) / 1000 : Number(m[1]) };
}

/**
 * Bytes in a memory quantity: memoryBytes("512Mi") === 536870912, memoryBytes("1G") === 1e9,
 * memoryBytes(2048) === 2048. Throws APP_SPEC_INVALID for anything else.
 */
export function memoryBytes(quantity: string | number): number {
  const read = readMemory(quantity);
  if (read.ok) return read.amount;
  throw specInvalid([{ path: "", value: quantity, rule: "quantity", message: read.reason }]);
}

/**
 * The canonical text of a number of bytes: the shortest exact form, binary suffixes first on a
 * tie. 536870912 -> "512Mi", 1e9 -> "1G", 1536 -> "1536" ("1.5Ki" is not exact-integer).
 */
export function formatMemory(bytes: number): string {
  let best = String(bytes);
  if (bytes <= 0 || !Number.isSafeInteger(bytes)) return best;
  for (const suffix of canonicalSuffixes) {
    const factor = memoryFactor[suffix]!;
    if (bytes % factor !== 0) continue;
    const text = `${bytes / factor}${suffix}`;
    if (text.length < best.length) best = text;
  }
  return best;
}
