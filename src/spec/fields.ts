/**
 * Readers for the primitive fields of a spec. Each takes a cursor and the raw value, reports
 * every problem it finds through the cursor, and returns the value when it is valid (undefined
 * otherwise), so that callers keep going and the user sees all problems in one answer.
 */
import { formatDuration, readDuration } from "./duration.js";
import { type Cursor, describeType, show } from "./problem.js";
import { suggestKey } from "./suggest.js";

export type RawObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A map with any keys (env): only the type is checked. */
export function readMap(cur: Cursor, value: unknown): RawObject | undefined {
  if (isPlainObject(value)) return value;
  cur.report(value, "type", `expected an object of names to values, got ${describeType(value)}`);
  return undefined;
}

/** An object with a fixed set of keys; every other key is reported with the closest known key. */
export function readObject(cur: Cursor, value: unknown, known: readonly string[]): RawObject | undefined {
  if (!isPlainObject(value)) {
    cur.report(value, "type", `expected an object with keys ${known.join(", ")}, got ${describeType(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const hint = suggestKey(key, known);
    const tail = hint === undefined ? `known keys: ${known.join(", ")}` : `did you mean "${hint}"?`;
    cur.key(key).report(value[key], "unknownKey", `unknown key "${key}"; ${tail}`);
  }
  return value;
}

export function readString(cur: Cursor, value: unknown): string | undefined {
  if (typeof value === "string") return value;
  cur.report(value, "type", `expected a string, got ${describeType(value)}`);
  return undefined;
}

export function readBoolean(cur: Cursor, value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  cur.report(value, "type", `expected true or false, got ${describeType(value)} (${show(value)})`);
  return undefined;
}

export interface Bounds {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** "s" when the number is seconds: bounds read "3600 s (1h)". */
  unit?: "s";
}

function boundText(n: number, b: Bounds): string {
  if (b.unit !== "s") return String(n);
  return n >= 60 ? `${n} s (${formatDuration(n)})` : `${n} s`;
}

/** Checks a number against its bounds; `got` renders it in messages (e.g. "2h (7200 s)"). */
export function checkBounds(cur: Cursor, raw: unknown, n: number, b: Bounds, got = show(raw)): boolean {
  const start = cur.problems.length;
  if (b.integer && !Number.isInteger(n)) cur.report(raw, "integer", `must be a whole number, got ${got}`);
  if (b.min !== undefined && n < b.min) cur.report(raw, "minimum", `must be >= ${boundText(b.min, b)}, got ${got}`);
  if (b.above !== undefined && n <= b.above) cur.report(raw, "minimum", `must be > ${boundText(b.above, b)}, got ${got}`);
  if (b.max !== undefined && n > b.max) cur.report(raw, "maximum", `must be <= ${boundText(b.max, b)}, got ${got}`);
  return cur.problems.length === start;
}

export function readNumber(cur: Cursor, value: unknown, b: Bounds): number | undefined {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const expected = b.integer ? "an integer" : "a number";
    cur.report(value, "type", `expected ${expected}, got ${describeType(value)}${typeof value === "string" ? ` (${show(value)})` : ""}`);
    return undefined;
  }
  return checkBounds(cur, value, value, b) ? value : undefined;
}

/** Seconds from a number or a duration string, within bounds given in seconds. */
export function readSeconds(cur: Cursor, value: unknown, b: Bounds): number | undefined {
  if (typeof value !== "number" && typeof value !== "string") {
    cur.report(value, "type", `expected seconds (a number) or a duration string such as "5m", got ${describeType(value)}`);
    return undefined;
  }
  const read = readDuration(value);
  if (!read.ok) {
    cur.report(value, typeof value === "number" ? "type" : "duration", read.reason);
    return undefined;
  }
  const got = typeof value === "string" ? `"${value}" (${read.seconds} s)` : `${value} s`;
  return checkBounds(cur, value, read.seconds, { ...b, unit: "s" }, got) ? read.seconds : undefined;
}
