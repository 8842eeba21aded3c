/**
 * Durations in specs: a number of seconds, or a string of number-unit parts with the units
 * h, m, s and ms ("90s", "5m", "1h30m", "500ms", "1.5h"), Go's time.ParseDuration grammar
 * without its micro- and nanosecond units. Normalized specs hold plain seconds; formatDuration
 * writes seconds back in the short form for messages and `ebb get`.
 */
import { specInvalid } from "./problem.js";

const unitSec: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
const whole = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ms|h|m|s))+$/;
const part = /(\d+(?:\.\d*)?|\.\d+)(ms|h|m|s)/g;

export type DurationRead = { ok: true; seconds: number } | { ok: false; reason: string };

/** Reads a duration without throwing; the reason says what was expected. */
export function readDuration(value: unknown): DurationRead {
  if (typeof value === "number") {
    return Number.isFinite(value) ? { ok: true, seconds: value } : { ok: false, reason: `expected a finite number of seconds, got ${value}` };
  }
  if (typeof value !== "string") return { ok: false, reason: "expected seconds (a number) or a duration string" };
  const text = value.trim();
  if (text === "0") return { ok: true, seconds: 0 };
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    return { ok: false, reason: `"${text}" has no unit; write "${text}s", or the number ${Number(text)} for seconds` };
  }
  if (!whole.test(text)) {
    return { ok: false, reason: `"${value}" is not a duration; use a number of seconds or parts like "90s", "5m", "1h30m", "500ms"` };
  }
  let total = 0;
  for (const m of text.matchAll(part)) total += Number(m[1]) * unitSec[m[2]!]!;
  const seconds = Math.round(total * 1e6) / 1e6;
  return { ok: true, seconds: text.startsWith("-") ? -seconds : seconds };
}

/**
 * Seconds from a number of seconds or a duration string: parseDuration("1h30m") === 5400,
 * parseDuration("500ms") === 0.5, parseDuration(90) === 90. Throws APP_SPEC_INVALID otherwise.
 */
export function parseDuration(value: string | number): number {
  const read = readDuration(value);
  if (read.ok) return read.seconds;
  throw specInvalid([{ path: "", value, rule: "duration", message: read.reason }]);
}

/**
 * The short form of a number of seconds, to the millisecond: 300 -> "5m", 5400 -> "1h30m",
 * 90.5 -> "1m30.5s", 0.5 -> "500ms", 0 -> "0s". parseDuration reads it back.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  let ms = Math.round(seconds * 1000);
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  ms = Math.abs(ms);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  let out = sign;
  if (h > 0) out += `${h}h`;
  if (m > 0) out += `${m}m`;
  if (rest >= 1000) out += `${rest / 1000}s`;
  else if (rest > 0) out += `${rest}ms`;
  return out;
}
