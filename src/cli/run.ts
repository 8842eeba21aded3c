/**
 * The `ebb` entry: finds the command, parses its flags with the global ones, builds the context
 * (data directory, lazy API client) and runs it. Failures become one `error: ...` line on stderr
 * (an invalid spec lists each problem after it), never a stack trace. Exit codes: 0 ok,
 * 1 failure, 2 usage error.
 */
import { isEbbError } from "../api/client.js";
import { appsCommand, deleteCommand, getCommand, startCommand, stopCommand, tokenCommand } from "./app-commands.js";
import { UsageError, parseArgs } from "./args.js";
import { commandHelp, globalFlags, mainHelp, type CliIo, type Command, type CommandContext, type CommandHandler } from "./command.js";
import { lazyClient, resolveDataDir, type ConnectionFlags } from "./connection.js";
import { deployCommand } from "./deploy.js";
import { eventsCommand, logsCommand } from "./event-commands.js";
import { scaleCommand } from "./scale.js";
import { topCommand } from "./top.js";

export const builtinCommands: readonly Command[] = [
  deployCommand,
  appsCommand,
  getCommand,
  eventsCommand,
  logsCommand,
  topCommand,
  scaleCommand,
  stopCommand,
  startCommand,
  deleteCommand,
  tokenCommand,
];

const valueFlags = new Set(["--server", "--token", "--data-dir"]);

/** Index of the command word: the first argument that is neither a global flag nor its value. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return -1;
    if (!arg.startsWith("-") || arg === "-") return i;
    if (valueFlags.has(arg)) i++;
  }
  return -1;
}

/** Takes the global flags out of an added command's arguments, leaving the rest untouched. */
function splitGlobals(args: readonly string[]): { globals: ConnectionFlags; rest: string[] } {
  const globals: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const m = /^--(server|token|data-dir)(?:=(.*))?$/s.exec(arg);
    if (!m) rest.push(arg);
    else if (m[2] !== undefined) globals[m[1]!] = m[2];
    else if (args[i + 1] !== undefined) globals[m[1]!] = args[++i]!;
    else throw new UsageError(`${arg} needs a value`);
  }
  return { globals: { server: globals.server, token: globals.token, dataDir: globals["data-dir"] }, rest };
}

function context(flags: ConnectionFlags, io: CliIo): CommandContext {
  const dataDir = resolveDataDir(flags, io.env, io.cwd);
  return { io, dataDir, client: lazyClient(flags, io.env, dataDir) };
}

export async function runCli(argv: string[], io: CliIo, extra: Record<string, CommandHandler> = {}): Promise<number> {
  const commands = new Map<string, Command>(builtinCommands.map((c) => [c.name, c]));
  const listing = [...builtinCommands, ...Object.entries(extra).map(([name, h]) => ({ name, summary: h.summary }))];
  try {
    const at = commandIndex(argv);
    if (at === -1) {
      const parsed = parseArgs(argv, globalFlags);
      if (parsed.flags.help) {
        io.stdout.write(mainHelp(listing));
        return 0;
      }
      io.stderr.write(mainHelp(listing));
      return 2;
    }
    const name = argv[at]!;
    const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
    if (name === "help") {
      const topic = rest.find((a) => !a.startsWith("-"));
      const cmd = topic === undefined ? undefined : commands.get(topic);
      if (topic !== undefined && !cmd && !extra[topic]) throw new UsageError(`unknown command '${topic}'`);
      if (topic !== undefined && extra[topic]) return await runCli([topic, "--help"], io, extra);
      io.stdout.write(cmd ? commandHelp(cmd) : mainHelp(listing));
      return 0;
    }
    const handler = Object.hasOwn(extra, name) ? extra[name] : undefined;
    if (handler) {
      const { globals, rest: args } = splitGlobals(rest);
      return await handler.run(args, context(globals, io));
    }
    const cmd = commands.get(name);
    if (!cmd) throw new UsageError(`unknown command '${name}'`);
    const parsed = parseArgs(rest, { ...globalFlags, ...cmd.flags }, cmd.name);
    if (parsed.flags.help) {
      io.stdout.write(commandHelp(cmd));
      return 0;
    }
    const flags: ConnectionFlags = {
      server: parsed.flags.server as string | undefined,
      token: parsed.flags.token as string | undefined,
      dataDir: parsed.flags["data-dir"] as string | undefined,
    };
    return await cmd.run(parsed, context(flags, io));
  } catch (err) {
    return report(err, io);
  }
}

function report(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    const hint = err.command ? `run \`ebb ${err.command} --help\` for usage` : "run `ebb --help` for usage";
    io.stderr.write(`error: ${err.message}\n${hint}\n`);
    return 2;
  }
  const message = isEbbError(err) || err instanceof Error ? err.message : String(err);
  io.stderr.write(`error: ${message}\n`);
  // Spec problems go one a line; messages that already list them (the server's do) are left as is.
  const problems = isEbbError(err, "APP_SPEC_INVALID") ? err.details.problems : undefined;
  if (Array.isArray(problems) && !message.includes("\n")) {
    for (const p of problems as Array<{ path?: unknown; message?: unknown }>) io.stderr.write(`  ${String(p.path ?? "") || "(spec)"}: ${String(p.message)}\n`);
  }
  return 1;
}
