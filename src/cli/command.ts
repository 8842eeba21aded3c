/**
 * What a command of `ebb` is: its name, help text, flags and a run function over a context that
 * carries the process's streams and a lazily made API client. Commands print, return an exit
 * code and throw EbbErrors; runCli turns errors into `error: ...` lines and exit codes.
 */
import type { EbbClient } from "../api/client.js";
import type { FlagSpecs, ParsedArgs } from "./args.js";

export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal (`ebb top` redraws in place there). */
  isTTY?: boolean;
  /** Terminal width in characters, when known. */
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** The environment to read EBB_SERVER, EBB_TOKEN and EBB_DATA_DIR from. */
  env: Record<string, string | undefined>;
  /** Folder relative paths (manifests, --data-dir) are resolved against. */
  cwd: string;
  /** Ends following commands (`-f`, `--wait`); the composition root aborts it on SIGINT. */
  signal?: AbortSignal;
}

export interface CommandContext {
  io: CliIo;
  /** The data directory: --data-dir, else EBB_DATA_DIR, else `.ebb` in cwd (absolute). */
  dataDir: string;
  /** The API client for --server / EBB_SERVER / server.json, with the resolved token. */
  client(): EbbClient;
}

/** A command added by the composition root (`serve`, `sim`, `advise`). */
export interface CommandHandler {
  /** One line for `ebb --help`. */
  summary: string;
  /**
   * Runs with the arguments after the command's name, the global flags (--server, --token,
   * --data-dir) taken out; it handles its own `--help`. Resolves to the exit code.
   */
  run(args: string[], ctx: CommandContext): Promise<number>;
}

export interface Command {
  name: string;
  summary: string;
  /** Arguments and flags after `ebb <name>`, e.g. "APP [--json]". */
  usage: string;
  /** Paragraphs shown by `--help` under the usage line. */
  description: string;
  flags: FlagSpecs;
  examples: string[];
  run(parsed: ParsedArgs, ctx: CommandContext): Promise<number>;
}

export const globalFlags: FlagSpecs = {
  server: { type: "string", value: "URL", description: "API of the ebb server (else EBB_SERVER, else <data-dir>/server.json, else http://127.0.0.1:7070)" },
  token: { type: "string", value: "TOKEN", description: "API token (else EBB_TOKEN, else <data-dir>/token)" },
  "data-dir": { type: "string", value: "DIR", description: "ebb's data directory (else EBB_DATA_DIR, else .ebb in the current folder)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};

function flagLines(flags: FlagSpecs): string[] {
  const rows = Object.entries(flags).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : "    "}--${name}${s.type === "string" ? ` ${s.value ?? "VALUE"}` : ""}`;
    return [left, s.description] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`);
}

export function commandHelp(cmd: Command): string {
  const lines = [`Usage: ebb ${cmd.name} ${cmd.usage}`.trimEnd(), "", cmd.summary, ""];
  if (cmd.description) lines.push(cmd.description, "");
  if (Object.keys(cmd.flags).length > 0) lines.push("Flags:", ...flagLines(cmd.flags), "");
  lines.push("Global flags:", ...flagLines(globalFlags), "");
  if (cmd.examples.length > 0) lines.push("Examples:", ...cmd.examples.map((e) => `  ${e}`), "");
  return lines.join("\n");
}

export function mainHelp(commands: Array<{ name: string; summary: string }>): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Usage: ebb COMMAND [ARGS] [FLAGS]",
    "",
    "ebb serves HTTP apps and scales each one with its traffic, down to zero and back.",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Global flags:",
    ...flagLines(globalFlags),
    "",
    "Run `ebb COMMAND --help` for a command's flags and examples.",
    "",
  ].join("\n");
}
