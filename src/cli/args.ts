/**
 * Hand-written argument parsing for `ebb`: `--name value`, `--name=value`, boolean `--name`,
 * one-letter short forms (`-f`, `-n 5`), and `--` to end flags. Every mistake (unknown flag,
 * missing value, value given to a boolean, bad number) is a UsageError naming the flag, which
 * `ebb` reports with exit code 2.
 */
import { EbbError } from "../api/client.js";
import { formatDuration, readDuration } from "../spec/index.js";

export interface FlagSpec {
  type: "string" | "boolean";
  /** One letter, used as `-x`. */
  short?: string;
  /** Placeholder of the value in help, e.g. "N" or "URL". */
  value?: string;
  description: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
}

/** A malformed command line; `command` names the command whose help to point at. */
export class UsageError extends EbbError {
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super("CLI_USAGE", message);
    this.command = command;
  }
}

export function parseArgs(argv: readonly string[], specs: FlagSpecs, command?: string): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs["flags"] = {};
  const byShort = new Map(Object.entries(specs).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const short = long ? null : /^-([A-Za-z])$/.exec(arg);
    if (!long && !short) {
      positionals.push(arg);
      continue;
    }
    const name = long ? long[1]! : byShort.get(short![1]!);
    const shown = long ? `--${long[1]}` : arg;
    const spec = name === undefined ? undefined : specs[name];
    if (name === undefined || !spec) throw new UsageError(`unknown flag ${shown}`, command);
    const inline = long?.[2];
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`${shown} takes no value (got '${inline}')`, command);
      flags[name] = true;
    } else if (inline !== undefined) {
      flags[name] = inline;
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${shown} needs a value${spec.value ? ` (${spec.value})` : ""}`, command);
      flags[name] = next;
      i++;
    }
  }
  return { positionals, flags };
}

/** A string flag's value, or undefined. */
export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.flags[name];
  return typeof v === "string" ? v : undefined;
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function intFlag(parsed: ParsedArgs, name: string, fallback: number, min: number, max: number, command?: string): number {
  const raw = stringFlag(parsed, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`, command);
  }
  return n;
}

/** A duration flag ("90s", "10m", "1h", "500ms") in ms, or `fallbackMs` when absent. */
export function durationFlagMs(parsed: ParsedArgs, name: string, fallbackMs: number, command?: string): number {
  const raw = stringFlag(parsed, name);
  if (raw === undefined) return fallbackMs;
  const read = readDuration(raw);
  if (!read.ok || read.seconds <= 0) {
    throw new UsageError(`--${name} must be a positive duration such as 90s, 10m or 1h; ${read.ok ? `got ${formatDuration(read.seconds)}` : read.reason}`, command);
  }
  return Math.round(read.seconds * 1000);
}

/** Checks the number of positional arguments; `what` names them for the message. */
export function expectPositionals(parsed: ParsedArgs, min: number, max: number, what: string, command?: string): void {
  const n = parsed.positionals.length;
  if (n < min) throw new UsageError(`missing ${what}`, command);
  if (n > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`, command);
}
