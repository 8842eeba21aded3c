/**
 * Readers of the one-app CSV traces, streaming one request per row. Both take the first line as
 * a header when it does not start with a number, skip blank lines, read times to whole
 * milliseconds (rounded), and require rows sorted by time: an earlier time than the row before is
 * an error (a reader that sorted would have to hold the file). Anything else malformed is
 * SIM_TRACE_INVALID at file:line:column.
 *
 * `azure-llm`: the Azure LLM inference trace 2023 (Patel et al., "Splitwise", ISCA 2024;
 * Azure/AzurePublicDataset `AzureLLMInferenceTrace_{code,conv}.csv`):
 * `TIMESTAMP,ContextTokens,GeneratedTokens`, e.g. `2023-11-16 18:17:03.9799600,4808,10`.
 * TIMESTAMP is read as UTC (the trace names no zone), with any number of fractional digits (the
 * trace has 7). Service time = prefillMsPerToken x ContextTokens + decodeMsPerToken x
 * GeneratedTokens, rounded: a replica that prefills the prompt, then decodes one token at a
 * time, without batching effects (defaults 0.2 ms and 30 ms per token, in types.ts).
 *
 * `timestamps`: `arrival_seconds[,duration_seconds]`, e.g. `12.5` or `12.5,0.8`, arrival
 * seconds from any origin (0, or Unix seconds); the duration, where a line gives one, is the
 * request's service time (lines without take the replay's default).
 */
import { LineReader, amountField, countField, expectFields, fieldColumn } from "./line-reader.js";
import { simDefaults, type ReplayRequest, type ReplaySource } from "./types.js";

export interface LlmTraceOptions {
  /** App name the requests go to; default "llm". */
  app?: string;
  /** ms per context token; default 0.2. */
  prefillMsPerToken?: number;
  /** ms per generated token; default 30. */
  decodeMsPerToken?: number;
  /** Name of the file in messages; default the path. */
  displayName?: string;
}

const stamp = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/** ms since the epoch of `2023-11-16 18:17:03.9799600` read as UTC (unrounded), or null. */
export function parseTimestamp(text: string): number | null {
  const m = stamp.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return Date.UTC(y, mo - 1, d, h, mi, s) + frac;
}

export function readLlmTrace(path: string, opts: LlmTraceOptions = {}): ReplaySource {
  const prefill = opts.prefillMsPerToken ?? simDefaults.prefillMsPerToken;
  const decode = opts.decodeMsPerToken ?? simDefaults.decodeMsPerToken;
  const app = opts.app ?? "llm";
  const file = opts.displayName ?? path;
  return {
    name: file,
    apps: [app],
    serviceModel: `prefill ${prefill} ms/context token + decode ${decode} ms/generated token`,
    requests: { [Symbol.iterator]: () => llmRows(path, file, app, prefill, decode) },
  };
}

function* llmRows(path: string, file: string, app: string, prefill: number, decode: number): Generator<ReplayRequest> {
  const reader = new LineReader(path, file);
  try {
    let prev = -Infinity;
    let prevLine = 0;
    for (let fields = reader.nextRow(); fields !== null; fields = reader.nextRow()) {
      if (reader.line === 1 && !/^\s*\d/.test(fields[0]!)) continue;
      expectFields(reader, fields, 3, "(TIMESTAMP,ContextTokens,GeneratedTokens)");
      const at = parseTimestamp(fields[0]!.trim());
      if (at === null) {
        throw reader.invalid(1, `TIMESTAMP must look like "2023-11-16 18:17:03.9799600", got "${fields[0]}"`);
      }
      if (at < prev) {
        throw reader.invalid(1, `TIMESTAMP ${fields[0]} is earlier than line ${prevLine}'s; rows must be sorted by time`);
      }
      prev = at;
      prevLine = reader.line;
      const context = countField(reader, fields, 1, "ContextTokens");
      const generated = countField(reader, fields, 2, "GeneratedTokens");
      yield { app, timeMs: Math.round(at), serviceMs: Math.round(prefill * context + decode * generated) };
    }
  } finally {
    reader.close();
  }
}

export interface TimestampsTraceOptions {
  /** App name the requests go to; default "app". */
  app?: string;
  /** Name of the file in messages; default the path. */
  displayName?: string;
}

export function readTimestampsTrace(path: string, opts: TimestampsTraceOptions = {}): ReplaySource {
  const app = opts.app ?? "app";
  const file = opts.displayName ?? path;
  return {
    name: file,
    apps: [app],
    serviceModel: "duration column where given",
    requests: { [Symbol.iterator]: () => timestampRows(path, file, app) },
  };
}

function* timestampRows(path: string, file: string, app: string): Generator<ReplayRequest> {
  const reader = new LineReader(path, file);
  try {
    let prev = -Infinity;
    let prevLine = 0;
    for (let fields = reader.nextRow(); fields !== null; fields = reader.nextRow()) {
      if (reader.line === 1 && !/^\s*[-+.\d]/.test(fields[0]!)) continue;
      if (fields.length > 2) throw reader.invalid(fieldColumn(fields, 2), `expected arrival_seconds[,duration_seconds], got ${fields.length} fields`);
      const arrival = amountField(reader, fields, 0, "arrival_seconds");
      if (arrival < prev) {
        throw reader.invalid(1, `arrival ${fields[0]} is earlier than line ${prevLine}'s; lines must be sorted by arrival`);
      }
      prev = arrival;
      prevLine = reader.line;
      const timeMs = Math.round(arrival * 1000);
      if (fields.length === 2) {
        yield { app, timeMs, serviceMs: Math.round(amountField(reader, fields, 1, "duration_seconds") * 1000) };
      } else {
        yield { app, timeMs };
      }
    }
  } finally {
    reader.close();
  }
}
