/**
 * `ebb deploy FILE... [--wait] [--timeout 10m]`. Loads every manifest, validates all apps
 * together on this side first (so a typo costs no round trip and every problem is shown with its
 * file), then sends them in one call: a deploy is all or nothing. With --wait it follows the
 * event stream from just before the deploy, so no event of the rollout can be missed.
 */
import { EbbError, type DeployResult, type EbbClient } from "../api/client.js";
import { formatDuration, validateApps, type Problem } from "../spec/index.js";
import { durationFlagMs, type ParsedArgs } from "./args.js";
import type { Command, CommandContext } from "./command.js";
import { eventPhrase, table } from "./format.js";
import { loadManifests, type LoadedManifest } from "./manifest.js";

const defaultTimeoutMs = 10 * 60_000;

/**
 * Rewrites `apps[k]` (k counts over all files) as `apps[i]` within its file: the path of each
 * problem gets the file in front, and references in messages ("already used by apps[0]") name it.
 */
function problemLines(manifests: LoadedManifest[], problems: readonly Pick<Problem, "path" | "message">[]): string[] {
  const starts: number[] = [];
  let n = 0;
  for (const m of manifests) {
    starts.push(n);
    n += m.apps.length;
  }
  const locate = (k: number): { file: string; index: number } => {
    let f = 0;
    while (f + 1 < starts.length && starts[f + 1]! <= k) f++;
    return { file: manifests[f]!.file, index: k - starts[f]! };
  };
  return problems.map((p) => {
    const message = p.message.replace(/\bapps\[(\d+)\]/g, (_, k: string) => {
      const at = locate(Number(k));
      return `${at.file} apps[${at.index}]`;
    });
    const path = /^apps\[(\d+)\](.*)$/.exec(p.path);
    if (!path) return `${p.path || "(spec)"}: ${message}`;
    const at = locate(Number(path[1]));
    return `${at.file}: apps[${at.index}]${path[2]}: ${message}`;
  });
}

function specProblems(manifests: LoadedManifest[], problems: readonly Pick<Problem, "path" | "message">[]): EbbError {
  const lines = problemLines(manifests, problems);
  const head = `${lines.length} problem${lines.length === 1 ? "" : "s"} in the manifests; nothing was deployed:`;
  return new EbbError("APP_SPEC_INVALID", [head, ...lines.map((l) => `  ${l}`)].join("\n"), { problems });
}

async function run(parsed: ParsedArgs, ctx: CommandContext): Promise<number> {
  const timeoutMs = durationFlagMs(parsed, "timeout", defaultTimeoutMs, "deploy");
  const manifests = await loadManifests(parsed.positionals, ctx.io.cwd);
  const apps = manifests.flatMap((m) => m.apps);
  const local = validateApps(apps);
  if (!local.ok) throw specProblems(manifests, local.problems);

  const client = ctx.client();
  const cursor = parsed.flags.wait ? ((await client.events({ limit: 1 })).at(-1)?.id ?? 0) : 0;
  let results: DeployResult[];
  try {
    results = await client.deploy(apps);
  } catch (err) {
    const problems = (err as EbbError).details?.problems;
    if (err instanceof EbbError && err.code === "APP_SPEC_INVALID" && Array.isArray(problems)) throw specProblems(manifests, problems);
    throw err;
  }
  ctx.io.stdout.write(table(results.map((r) => [r.name, r.outcome, `revision ${r.revision}`, r.url])));
  if (!parsed.flags.wait) return 0;
  return waitForRollouts(client, results, cursor, timeoutMs, ctx);
}

/** Follows events until every new revision is serving, fails, or the timeout passes. */
async function waitForRollouts(client: EbbClient, results: DeployResult[], cursor: number, timeoutMs: number, ctx: CommandContext): Promise<number> {
  const pending = new Map(results.filter((r) => r.outcome === "created" || r.outcome === "updated").map((r) => [r.name, r.revision]));
  if (pending.size === 0) return 0;
  const failed: string[] = [];
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  ctx.io.signal?.addEventListener("abort", stop, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, timeoutMs);
  try {
    const only = pending.size === 1 ? [...pending.keys()][0] : undefined;
    for await (const e of client.streamEvents({ ...(only ? { app: only } : {}), after: cursor }, ac.signal)) {
      const revision = pending.get(e.app);
      if (revision === undefined || (e.revision !== null && e.revision !== revision)) continue;
      ctx.io.stdout.write(`  ${e.app}: ${eventPhrase(e)}\n`);
      if (e.type === "RolloutComplete") pending.delete(e.app);
      else if (e.type === "RolloutFailed" || e.type === "CrashLoop") {
        pending.delete(e.app);
        failed.push(`${e.app} revision ${revision} failed: ${e.message}`);
      }
      if (pending.size === 0) break;
    }
  } finally {
    clearTimeout(timer);
    ctx.io.signal?.removeEventListener("abort", stop);
  }
  for (const line of failed) ctx.io.stderr.write(`error: ${line}\n`);
  if (pending.size > 0) {
    const waiting = [...pending].map(([name, rev]) => `${name} (revision ${rev})`).join(", ");
    if (timedOut) {
      throw new EbbError("DEPLOY_WAIT_TIMEOUT", `timed out after ${formatDuration(timeoutMs / 1000)} waiting for ${waiting} to roll out; see \`ebb events\``, {
        apps: [...pending.keys()],
      });
    }
    if (!ctx.io.signal?.aborted) throw new EbbError("SERVER_UNREACHABLE", `the event stream ended while waiting for ${waiting}`);
    return 1;
  }
  return failed.length > 0 ? 1 : 0;
}

export const deployCommand: Command = {
  name: "deploy",
  summary: "Deploy apps from manifests (YAML, JSON, or TS/JS modules)",
  usage: "FILE... [--wait] [--timeout DURATION]",
  description: [
    "Each FILE is a YAML manifest (one app, several `---` documents, or `apps: [...]`), a JSON",
    "manifest (an object, an array or { \"apps\": [...] }), or a .ts/.mts/.js/.mjs module exporting",
    "SDK AppEnvironments or manifest objects. An app's workdir defaults to its file's folder.",
    "Every app is validated before anything is sent; any problem stops the whole deploy.",
  ].join("\n"),
  flags: {
    wait: { type: "boolean", description: "follow the rollout until each new revision is serving, or fails (exit 1)" },
    timeout: { type: "string", value: "DURATION", description: "how long --wait waits, e.g. 90s, 10m (default 10m)" },
  },
  examples: ["ebb deploy examples/hello/app.yaml", "ebb deploy apps.yaml worker.ts --wait --timeout 2m"],
  run,
};
