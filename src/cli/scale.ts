/**
 * `ebb scale APP`: changes an app's scaling in place (min, max, scaledownAfter, the metric
 * target) through `PATCH /api/v1/apps/:name/scaling`, the change `ebb advise` recommends. The
 * server validates the result as it validates a deploy; a scaling change keeps the revision and
 * its running replicas (outcome `reconfigured`). Flags not given keep their current values.
 */
import type { ScalingPatch } from "../api/client.js";
import { formatDuration, readDuration } from "../spec/index.js";
import { UsageError, expectPositionals, intFlag, stringFlag, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";

const maxReplicas = 100_000;

function targetFlag(parsed: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(parsed, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number above 0, got '${raw}'`, "scale");
  return n;
}

/** The patch the flags ask for; `current` fills the other end of a half-given replicas pair. */
export function scalePatch(parsed: ParsedArgs, current: { replicas: [number, number] } | undefined): ScalingPatch {
  const patch: ScalingPatch = {};
  const min = stringFlag(parsed, "min") === undefined ? undefined : intFlag(parsed, "min", 0, 0, maxReplicas, "scale");
  const max = stringFlag(parsed, "max") === undefined ? undefined : intFlag(parsed, "max", 1, 1, maxReplicas, "scale");
  if (min !== undefined || max !== undefined) patch.replicas = [min ?? current?.replicas[0] ?? 0, max ?? current?.replicas[1] ?? 1];
  const delay = stringFlag(parsed, "scaledown-after");
  if (delay !== undefined) {
    const read = readDuration(delay);
    if (!read.ok || read.seconds < 0) {
      const why = read.ok ? "got a negative one" : read.reason;
      throw new UsageError(`--scaledown-after must be a duration such as 0, 90s, 10m or 1h; ${why}`, "scale");
    }
    patch.scaledownAfter = read.seconds;
  }
  const concurrency = targetFlag(parsed, "concurrency");
  const requestRate = targetFlag(parsed, "request-rate");
  if (concurrency !== undefined && requestRate !== undefined) throw new UsageError("give --concurrency or --request-rate, not both", "scale");
  if (concurrency !== undefined) patch.metric = { concurrency };
  if (requestRate !== undefined) patch.metric = { requestRate };
  return patch;
}

export const scaleCommand: Command = {
  name: "scale",
  summary: "Change an app's replicas, scaledownAfter or metric target in place",
  usage: "APP [--min N] [--max N] [--scaledown-after DURATION] [--concurrency N | --request-rate N] [--json]",
  description:
    "The change applies to the running revision without new replicas, and goes through the same\n" +
    "validation as `ebb deploy`. Flags not given keep their values. Write the same values into the\n" +
    "app's manifest, or the next `ebb deploy` of it puts the old ones back.",
  flags: {
    min: { type: "string", value: "N", description: "fewest replicas (0 lets the app scale to zero)" },
    max: { type: "string", value: "N", description: "most replicas" },
    "scaledown-after": { type: "string", value: "DURATION", description: "idle time before scaling down, e.g. 0, 90s, 10m" },
    concurrency: { type: "string", value: "N", description: "target in-flight requests per replica" },
    "request-rate": { type: "string", value: "N", description: "or target requests per second per replica" },
    json: { type: "boolean", description: "print the DeployResult as JSON" },
  },
  examples: ["ebb scale hello --scaledown-after 10m", "ebb scale hello --min 1 --max 5 --concurrency 20"],
  async run(parsed, ctx) {
    expectPositionals(parsed, 1, 1, "APP (the app's name)", "scale");
    const app = parsed.positionals[0]!;
    const client = ctx.client();
    const halfPair = (stringFlag(parsed, "min") === undefined) !== (stringFlag(parsed, "max") === undefined);
    const patch = scalePatch(parsed, halfPair ? (await client.getApp(app)).spec.scaling : undefined);
    if (Object.keys(patch).length === 0) {
      throw new UsageError("nothing to change: give --min, --max, --scaledown-after, --concurrency or --request-rate", "scale");
    }
    const result = await client.updateScaling(app, patch);
    if (parsed.flags.json) {
      ctx.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const s = (await client.getApp(app)).spec.scaling;
    const metric = "concurrency" in s.metric ? `concurrency ${s.metric.concurrency}` : `requestRate ${s.metric.requestRate}`;
    const scaling = `replicas [${s.replicas[0]}, ${s.replicas[1]}], scaledownAfter ${formatDuration(s.scaledownAfter)}, ${metric}`;
    ctx.io.stdout.write(`${app}: ${result.outcome} (revision ${result.revision}): ${scaling}\n`);
    return 0;
  },
};
