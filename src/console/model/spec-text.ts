/**
 * The spec as text and back. Out: a normalized AppSpec as YAML-ish text for the spec panel, in
 * the manifest's own shape (so users can copy it back into a file), block style, strings quoted
 * only when YAML would misread them; small on purpose, the console ships no YAML library for a
 * read-only view. In: the scaling form's min, max and scaledownAfter as typed, checked with the
 * spec's rules (min >= 0, max >= 1, max >= min, whole numbers; scaledownAfter >= 0 as seconds
 * or a duration such as "90s" or "5m") before the PATCH is sent. The server checks again; this
 * spares a round trip and names the field.
 */
import type { ScalingPatch } from "../../api/client.js";
import { readDuration } from "../../spec/duration.js";

const plain = /^[\w./][\w./@-]*$/;
const numberLike = /^[-+.]?\d[\d_]*(\.\d*)?([eE][-+]?\d+)?$|^0[xo][0-9a-fA-F]+$/;
const reserved = /^(true|false|yes|no|on|off|null|~)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = String(v);
  return plain.test(s) && !numberLike.test(s) && !reserved.test(s) ? s : JSON.stringify(s);
}

function isFlat(v: unknown[]): boolean {
  return v.every((x) => x === null || typeof x !== "object");
}

function lines(value: unknown, indent: string): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (isFlat(v)) out.push(`${indent}${key}: [${v.map(scalar).join(", ")}]`);
      else {
        out.push(`${indent}${key}:`);
        for (const item of v) {
          const inner = lines(item, indent + "    ");
          out.push(`${indent}  - ${(inner[0] ?? "").trimStart()}`, ...inner.slice(1));
        }
      }
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      if (keys.length === 0) out.push(`${indent}${key}: {}`);
      else out.push(`${indent}${key}:`, ...lines(v, indent + "  "));
    } else out.push(`${indent}${key}: ${scalar(v)}`);
  }
  return out;
}

/** The spec as YAML-ish text, one key per line, nested by two spaces. */
export function specYaml(spec: object): string {
  return lines(spec, "").join("\n") + "\n";
}

export interface ScalingInput {
  min: string;
  max: string;
  scaledownAfter: string;
}

export type ScalingCheck = { ok: true; patch: ScalingPatch } | { ok: false; problems: Record<string, string> };

export function checkScaling(input: ScalingInput): ScalingCheck {
  const problems: Record<string, string> = {};
  const min = wholeNumber(input.min);
  const max = wholeNumber(input.max);
  if (min === undefined || min < 0) problems.min = "min must be a whole number, 0 or more";
  if (max === undefined || max < 1) problems.max = "max must be a whole number, 1 or more";
  if (min !== undefined && max !== undefined && !problems.min && !problems.max && max < min) problems.max = `max must be at least min (${min})`;
  const text = input.scaledownAfter.trim();
  const read = readDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  if (!read.ok) problems.scaledownAfter = read.reason;
  else if (read.seconds < 0) problems.scaledownAfter = "scaledownAfter must be 0 or more";
  if (Object.keys(problems).length > 0 || !read.ok) return { ok: false, problems };
  return { ok: true, patch: { replicas: [min!, max!], scaledownAfter: read.seconds } };
}

function wholeNumber(text: string): number | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}
