import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * Hex SHA-256 of the canonical JSON of a value, shortened to 16 characters. Only the first 8 bytes
 * are turned into text: the hash is kept for as long as its app lives, and a slice of the whole
 * 64-character digest would keep all 64 alive with it.
 */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest().toString("hex", 0, 8);
}
