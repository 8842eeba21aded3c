/**
 * `ebb events` and `ebb logs`: the stored tail first, then, with -f, the live stream until the
 * user interrupts (io.signal). Events resume from the last id printed, so none is lost between
 * the tail and the stream. `--json` prints one object per line, for jq and scripts.
 */
import { EbbError, type EbbEvent, type LogEntry } from "../api/client.js";
import { expectPositionals, intFlag, stringFlag, type ParsedArgs } from "./args.js";
import type { Command, CommandContext } from "./command.js";
import { eventLine, logLine } from "./format.js";

const jsonLine = (value: unknown): string => `${JSON.stringify(value)}\n`;

/**
 * Iterates a live stream until the user interrupts, which is a normal end (exit 0). A stream the
 * server ends is an error: following is meant to last.
 */
async function follow<T>(ctx: CommandContext, open: (signal: AbortSignal) => AsyncIterable<T>, print: (item: T) => void): Promise<void> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  if (ctx.io.signal?.aborted) return;
  ctx.io.signal?.addEventListener("abort", stop, { once: true });
  try {
    for await (const item of open(ac.signal)) print(item);
  } finally {
    ctx.io.signal?.removeEventListener("abort", stop);
  }
  if (!ac.signal.aborted) {
    throw new EbbError("SERVER_UNREACHABLE", `ebb at ${ctx.client().baseUrl} closed the stream (is the server stopping?)`);
  }
}

async function runEvents(parsed: ParsedArgs, ctx: CommandContext): Promise<number> {
  expectPositionals(parsed, 0, 1, "", "events");
  const app = parsed.positionals[0];
  const limit = intFlag(parsed, "limit", 20, 1, 10_000, "events");
  const print = (e: EbbEvent): void => void ctx.io.stdout.write(parsed.flags.json ? jsonLine(e) : eventLine(e));
  const client = ctx.client();
  const events = await client.events({ ...(app ? { app } : {}), limit });
  events.forEach(print);
  if (!parsed.flags.follow) return 0;
  const after = events.at(-1)?.id ?? 0;
  await follow(ctx, (signal) => client.streamEvents({ ...(app ? { app } : {}), after }, signal), print);
  return 0;
}

async function runLogs(parsed: ParsedArgs, ctx: CommandContext): Promise<number> {
  expectPositionals(parsed, 1, 1, "APP (the app's name)", "logs");
  const app = parsed.positionals[0]!;
  const limit = intFlag(parsed, "limit", 100, 1, 10_000, "logs");
  const replica = stringFlag(parsed, "replica");
  const print = (entry: LogEntry): void => void ctx.io.stdout.write(parsed.flags.json ? jsonLine(entry) : logLine(entry));
  const client = ctx.client();
  const entries = await client.logs(app, { limit, ...(replica ? { replica } : {}) });
  entries.forEach(print);
  if (!parsed.flags.follow) return 0;
  let lastEventId = Math.max(0, ...entries.map((e) => (e.kind === "event" ? e.id : 0)));
  await follow(
    ctx,
    (signal) => client.streamLogs(app, replica ? { replica } : {}, signal),
    (entry) => {
      if (entry.kind === "event") {
        if (entry.id <= lastEventId) return;
        lastEventId = entry.id;
      }
      print(entry);
    },
  );
  return 0;
}

export const eventsCommand: Command = {
  name: "events",
  summary: "Show events (scaling decisions, replicas, rollouts), optionally of one app",
  usage: "[APP] [--json] [--limit N] [-f]",
  description: "Lines are `TIME  APP  TYPE  MESSAGE`, in local time to the millisecond, oldest first.",
  flags: {
    json: { type: "boolean", description: "one JSON event per line (id, app, type, time, revision, message, data)" },
    limit: { type: "string", short: "n", value: "N", description: "how many of the latest events to show first (default 20)" },
    follow: { type: "boolean", short: "f", description: "keep printing new events until interrupted" },
  },
  examples: ["ebb events", "ebb events hello -f", "ebb events hello --json --limit 100 | jq .data"],
  run: runEvents,
};

export const logsCommand: Command = {
  name: "logs",
  summary: "Show an app's log lines with its events interleaved",
  usage: "APP [-f] [--replica ID] [--limit N] [--json]",
  description: "Lines are `TIME  REPLICA  STREAM  TEXT`; the app's events appear as `TIME  --- <event>`.",
  flags: {
    follow: { type: "boolean", short: "f", description: "keep printing new lines until interrupted" },
    replica: { type: "string", value: "ID", description: "only this replica's lines (events are still shown)" },
    limit: { type: "string", short: "n", value: "N", description: "how many of the latest lines to show first (default 100)" },
    json: { type: "boolean", description: "one JSON entry per line ({ kind: \"log\" | \"event\", ... })" },
  },
  examples: ["ebb logs hello", "ebb logs hello -f --replica hello-r2-1"],
  run: runLogs,
};
