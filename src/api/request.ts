/**
 * What the API reads from a request: the bearer token, the JSON body (bounded) and query
 * parameters. Each malformed input becomes an EbbError naming the problem, so handlers only see
 * well-formed values.
 */
import type { IncomingMessage } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { EbbError } from "../kit/errors.js";

/**
 * True when the Authorization header carries `Bearer <token>` (RFC 6750 §2.1). Both sides are
 * hashed first so the comparison takes the same time whatever the length or content guessed.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  const given = createHash("sha256").update(match?.[1] ?? "").digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, expected) && match !== null && token.length > 0;
}

/**
 * Reads and parses a JSON body of at most limitBytes. A declared Content-Length over the limit is
 * refused before any byte is read; a body that grows past it stops being read at that point.
 * An empty body parses as undefined.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const tooLarge = (): EbbError =>
    new EbbError("API_BODY_TOO_LARGE", `request body is larger than the API accepts (${limitBytes} bytes)`, { limitBytes });
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge();

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new EbbError("API_BAD_REQUEST", `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** The body as a plain object, or API_BAD_REQUEST saying what was expected. */
export function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined) return {};
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new EbbError("API_BAD_REQUEST", `request body must be a JSON object ${what}`);
  }
  return body as Record<string, unknown>;
}

/** Rejects keys outside `allowed`, naming the first unknown one. */
export function onlyKeys(body: Record<string, unknown>, allowed: string[]): void {
  const unknown = Object.keys(body).find((k) => !allowed.includes(k));
  if (unknown !== undefined) {
    throw new EbbError("API_BAD_REQUEST", `unknown field '${unknown}' in request body; expected ${allowed.join(", ")}`);
  }
}

/**
 * An optional integer query parameter within [min, max]; undefined when absent or empty.
 * `fallback` is used for the header-only alternative (e.g. SSE's Last-Event-ID).
 */
export function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback?: string): number | undefined {
  const raw = query.get(name) ?? fallback;
  if (raw === undefined || raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new EbbError("API_BAD_REQUEST", `query parameter '${name}' must be an integer from ${min} to ${max}, got '${raw}'`, {
      parameter: name,
      value: raw,
    });
  }
  return n;
}

/** An optional string query parameter; undefined when absent or empty. */
export function stringParam(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  return raw === null || raw === "" ? undefined : raw;
}
