/**
 * `ebb top`: every app's status, replicas and traffic, live, from the overview stream (one
 * snapshot a second). On a terminal the table is redrawn in place; when stdout is not a terminal,
 * or with `--once`, snapshots are printed as plain text one after the other; `--json` prints each
 * overview as one JSON line. It ends on Ctrl-C (exit 0) or when the server ends the stream
 * (exit 1, saying so); the cursor is shown again either way.
 */
import { EbbError, type Overview } from "../api/client.js";
import { expectPositionals, type ParsedArgs } from "./args.js";
import type { Command, CommandContext } from "./command.js";
import { ansi, topFrame, topSnapshot } from "./top-format.js";

async function runTop(parsed: ParsedArgs, ctx: CommandContext): Promise<number> {
  expectPositionals(parsed, 0, 0, "", "top");
  const { stdout } = ctx.io;
  const client = ctx.client();
  const asJson = parsed.flags.json === true;
  const print = (o: Overview): void => void stdout.write(asJson ? `${JSON.stringify(o)}\n` : topSnapshot(o));
  if (parsed.flags.once) {
    print(await client.overview());
    return 0;
  }
  const live = !asJson && stdout.isTTY === true;
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  if (ctx.io.signal?.aborted) return 0;
  ctx.io.signal?.addEventListener("abort", stop, { once: true });
  if (live) stdout.write(ansi.hideCursor + ansi.clearScreen);
  try {
    for await (const o of client.streamOverview(ac.signal)) {
      if (live) stdout.write(topFrame(o, stdout.columns));
      else print(o);
    }
  } finally {
    ctx.io.signal?.removeEventListener("abort", stop);
    if (live) stdout.write(ansi.showCursor);
  }
  if (!ac.signal.aborted) {
    throw new EbbError("SERVER_UNREACHABLE", `ebb at ${client.baseUrl} closed the stream (is the server stopping?)`);
  }
  return 0;
}

export const topCommand: Command = {
  name: "top",
  summary: "Watch every app's status, replicas, request rate and latency, live",
  usage: "[--once] [--json]",
  description: [
    "Columns: NAME, STATUS, SUBSTATE, READY/DESIRED and MIN-MAX replicas, RPS (requests answered per",
    "second over the last 10 s), P50 and P99 latency over the same window (estimated from histogram",
    "buckets), IN-FLIGHT requests, and the LAST COLD START's duration and age. Refreshed every second;",
    "on a terminal the table redraws in place, otherwise each snapshot is printed after the previous one.",
  ].join("\n"),
  flags: {
    once: { type: "boolean", description: "print one snapshot and exit" },
    json: { type: "boolean", description: "print each overview ({ time, apps, traffic }) as one JSON line" },
  },
  examples: ["ebb top", "ebb top --once", "ebb top --json | jq -c '.traffic'"],
  run: runTop,
};
