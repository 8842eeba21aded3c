/**
 * ebb's own logs: one record per line. JSON lines when the sink is not a terminal (for
 * collectors), a readable line when it is. Components receive a Logger; none creates its own.
 */

export type Level = "debug" | "info" | "warn" | "error";
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger whose records carry these fields too (e.g. `{ component: "gateway" }`). */
  child(fields: Fields): Logger;
}

export interface LogSink {
  write(line: string): unknown;
  isTTY?: boolean;
}

export interface LoggerOptions {
  level?: Level;
  sink?: LogSink;
  /** Force the format; by default JSON unless the sink is a TTY. */
  format?: "json" | "pretty";
  now?: () => number;
}

export function createLogger(opts: LoggerOptions = {}, base: Fields = {}): Logger {
  const sink = opts.sink ?? process.stderr;
  const min = rank[opts.level ?? "info"];
  const pretty = (opts.format ?? (sink.isTTY ? "pretty" : "json")) === "pretty";
  const now = opts.now ?? Date.now;

  const emit = (level: Level, msg: string, fields?: Fields): void => {
    if (rank[level] < min) return;
    const record = { time: new Date(now()).toISOString(), level, msg, ...base, ...fields };
    sink.write((pretty ? formatPretty(record) : JSON.stringify(record, errorReplacer)) + "\n");
  };

  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(opts, { ...base, ...fields }),
  };
}

/** A logger that drops everything (for tests that do not look at logs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value as object) };
  return value;
}

function formatPretty(record: Fields & { time: string; level: string; msg: string }): string {
  const { time, level, msg, ...rest } = record;
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v, errorReplacer)}`)
    .join(" ");
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? "  " + extra : ""}`;
}
