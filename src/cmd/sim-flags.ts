/**
 * Flag readers shared by `ebb sim` and `ebb advise`. A bad value is SIM_OPTIONS_INVALID naming
 * the flag (`--seed: must be a whole number, got 'x'`), which both commands answer with exit
 * code 2, as the CLI does for usage errors.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError, parseArgs, stringFlag, type FlagSpecs, type ParsedArgs } from "../cli/args.js";
import type { CommandHandler, OutputStream } from "../cli/command.js";
import type { EbbClient } from "../api/client.js";
import { EbbError, isEbbError } from "../kit/errors.js";
import { readDuration } from "../spec/index.js";
import { parseDistribution, type Distribution } from "../sim/index.js";

/** Default and longest `--since`, seconds: the server keeps 7 days of arrivals. */
export const maxSinceSec = 7 * 24 * 3600;

export const bad = (flag: string, message: string): EbbError => new EbbError("SIM_OPTIONS_INVALID", `--${flag}: ${message}`, { flag });

/** A number flag passing `check` (described by `rule`), or `fallback` when absent. */
export function numberFlag(p: ParsedArgs, name: string, fallback: number, check: (n: number) => boolean, rule: string): number {
  const raw = stringFlag(p, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || !check(n)) throw bad(name, `must be ${rule}, got '${raw}'`);
  return n;
}

/** The absolute path of a file flag, which must name a readable file. */
export function fileFlag(p: ParsedArgs, name: string, cwd: string): string | undefined {
  const raw = stringFlag(p, name);
  if (raw === undefined) return undefined;
  const path = resolve(cwd, raw);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    throw bad(name, `cannot read ${raw} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!isFile) throw bad(name, `${raw} is not a file`);
  return path;
}

export function jsonFlag(p: ParsedArgs, name: string): unknown {
  const raw = stringFlag(p, name);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw bad(name, `not JSON: ${(err as Error).message}`);
  }
}

/** A distribution flag (random.ts forms: 8s, uniform:2s,5s, ...), or undefined when absent. */
export function distFlag(p: ParsedArgs, name: string): Distribution | undefined {
  const raw = stringFlag(p, name);
  return raw === undefined ? undefined : parseDistribution(raw, `--${name}`);
}

/** `--since` in seconds: a duration (90m, 24h) or days (7d), more than 0 and at most 7 days; default 7 days. */
export function parseSince(raw: string | undefined, flag = "--since"): number {
  if (raw === undefined) return maxSinceSec;
  const days = /^(\d+(?:\.\d+)?)d$/.exec(raw.trim());
  const read = days ? { ok: true as const, seconds: Number(days[1]) * 86_400 } : readDuration(raw);
  const fail = (why: string) => new EbbError("SIM_OPTIONS_INVALID", `${flag}: ${why}`, { flag, value: raw });
  if (!read.ok) throw fail(`${read.reason} (or days: 7d)`);
  if (read.seconds <= 0 || read.seconds > maxSinceSec) throw fail(`must be more than 0 and at most 7d (what the server keeps), got ${raw}`);
  return read.seconds;
}

/** What `ebb sim` and `ebb advise` print to and read from. */
export interface SimIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Folder relative paths (trace, manifest, plot) are resolved against. */
  cwd: string;
  /** Not read: every setting of `ebb sim` is a flag. */
  env: Record<string, string | undefined>;
  /** The API client, for `--from-app` (made on first use). */
  client?: () => EbbClient;
  /** ms epoch, for `--since`; default Date.now. */
  now?: () => number;
}

/**
 * Reads a sim-style command line; a malformed one is SIM_OPTIONS_INVALID. Null after printing
 * `usage` for --help (the command then exits 0).
 */
export function parseSimArgs(argv: string[], flags: FlagSpecs, command: string, usage: string, io: SimIo): ParsedArgs | null {
  let p: ParsedArgs;
  try {
    p = parseArgs(argv, flags, command);
  } catch (err) {
    if (err instanceof UsageError) throw new EbbError("SIM_OPTIONS_INVALID", err.message);
    throw err;
  }
  if (!p.flags.help) return p;
  io.stdout.write(usage);
  return null;
}

/**
 * Wraps a sim-style command: an EbbError prints as `error: <message>` and exits 2 for a bad
 * option, 1 otherwise; anything else is a bug and propagates.
 */
export function simStyleCommand(run: (argv: string[], io: SimIo) => Promise<number>): (argv: string[], io: SimIo) => Promise<number> {
  return async (argv, io) => {
    try {
      return await run(argv, io);
    } catch (err) {
      if (!isEbbError(err)) throw err;
      io.stderr.write(`error: ${err.message}\n`);
      return err.code === "SIM_OPTIONS_INVALID" ? 2 : 1;
    }
  };
}

/** The command as the composition root registers it (cli/command.ts CommandHandler). */
export function simStyleHandler(summary: string, command: (argv: string[], io: SimIo) => Promise<number>): CommandHandler {
  return {
    summary,
    run: (args, ctx) => command(args, { stdout: ctx.io.stdout, stderr: ctx.io.stderr, cwd: ctx.io.cwd, env: ctx.io.env, client: () => ctx.client() }),
  };
}
