/**
 * The commands about deployed apps: `apps`, `get`, `stop`, `start`, `delete`, and `token`, which
 * reads the server's API token from the data directory without calling the server. None of them
 * asks a question: they are meant for scripts as much as for people.
 */
import { expectPositionals, type ParsedArgs } from "./args.js";
import type { Command, CommandContext } from "./command.js";
import { tokenFromDataDir } from "./connection.js";
import { appSummary, appsTable } from "./format.js";

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const appsCommand: Command = {
  name: "apps",
  summary: "List apps with their status, replicas and URL",
  usage: "[--json]",
  description: "Columns: NAME, STATUS, SUBSTATE, READY/DESIRED replicas, MIN-MAX replicas, URL.",
  flags: { json: { type: "boolean", description: "print the apps as a JSON array of AppViews" } },
  examples: ["ebb apps", "ebb apps --json | jq '.[].name'"],
  async run(parsed: ParsedArgs, ctx: CommandContext) {
    expectPositionals(parsed, 0, 0, "", "apps");
    const apps = await ctx.client().listApps();
    if (parsed.flags.json) ctx.io.stdout.write(json(apps));
    else if (apps.length === 0) ctx.io.stdout.write("no apps deployed; try `ebb deploy FILE`\n");
    else ctx.io.stdout.write(appsTable(apps));
    return 0;
  },
};

export const getCommand: Command = {
  name: "get",
  summary: "Show one app: status, replicas, scaling, last cold start, conditions",
  usage: "APP [--json]",
  description: "",
  flags: { json: { type: "boolean", description: "print the app's full AppView as JSON" } },
  examples: ["ebb get hello", "ebb get hello --json"],
  async run(parsed, ctx) {
    expectPositionals(parsed, 1, 1, "APP (the app's name)", "get");
    const app = await ctx.client().getApp(parsed.positionals[0]!);
    ctx.io.stdout.write(parsed.flags.json ? json(app) : appSummary(app));
    return 0;
  },
};

function lifecycle(name: "stop" | "start" | "delete", summary: string, description: string): Command {
  return {
    name,
    summary,
    usage: "APP",
    description,
    flags: {},
    examples: [`ebb ${name} hello`],
    async run(parsed, ctx) {
      expectPositionals(parsed, 1, 1, "APP (the app's name)", name);
      const app = parsed.positionals[0]!;
      const client = ctx.client();
      if (name === "delete") {
        await client.delete(app);
        ctx.io.stdout.write(`deleted ${app}: its replicas drain and stop, and its revisions, events and logs are gone\n`);
      } else {
        const view = name === "stop" ? await client.stop(app) : await client.start(app);
        const verb = name === "stop" ? "stopped" : "started";
        ctx.io.stdout.write(`${verb} ${app}: ${view.status.deploymentStatus}${view.status.substate ? ` / ${view.status.substate}` : ""}\n`);
      }
      return 0;
    },
  };
}

export const stopCommand = lifecycle(
  "stop",
  "Stop an app: drain and stop its replicas; requests get 503 until it starts",
  "The app keeps its spec and revisions; `ebb start` brings it back.",
);
export const startCommand = lifecycle("start", "Start a stopped app again", "It starts at its minimum replicas (zero if min is 0).");
export const deleteCommand = lifecycle(
  "delete",
  "Delete an app with its revisions, events and logs",
  "Asks no question: the app is drained and removed at once.",
);

export const tokenCommand: Command = {
  name: "token",
  summary: "Print the API token from the data directory (no server call)",
  usage: "",
  description: "The token is in <data-dir>/token, written by `ebb serve`.",
  flags: {},
  examples: ['curl -H "Authorization: Bearer $(ebb token)" http://127.0.0.1:7070/api/v1/apps'],
  async run(parsed, ctx) {
    expectPositionals(parsed, 0, 0, "", "token");
    ctx.io.stdout.write(`${tokenFromDataDir(ctx.dataDir)}\n`);
    return 0;
  },
};
