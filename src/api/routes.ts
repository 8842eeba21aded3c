/**
 * The API's routes (docs/api.md) and a small router for them: literal segments and `:param`
 * segments, matched on method and path. Handlers translate HTTP to ControlApi calls and back;
 * they hold no state of their own. A handler returns the reply, or undefined when it has taken
 * the response over (the SSE streams).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControlApi, ScalingPatch } from "../control/types.js";
import { EbbError } from "../kit/errors.js";
import type { MetricSpec } from "../spec/types.js";
import { arrivalsRange } from "./arrivals-range.js";
import { metricsRange } from "./metrics-range.js";
import { OverviewFeed } from "./overview-feed.js";
import { intParam, objectBody, onlyKeys, readJsonBody, stringParam } from "./request.js";
import type { SseStreams } from "./sse.js";

export interface ApiContext {
  control: ControlApi;
  metrics: (() => string) | undefined;
  streams: SseStreams;
  bodyLimitBytes: number;
  /** Most events replayed to a stream that resumes with `after` or Last-Event-ID. */
  replayLimit: number;
  /** ms epoch, for default time ranges. */
  now: () => number;
}

export interface RouteInput {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Default application/json; a string body with another type is sent as is. */
  contentType?: string;
}

type Handler = (ctx: ApiContext, input: RouteInput) => Promise<Reply | undefined> | Reply | undefined;

interface Route {
  method: string;
  parts: string[];
  auth: boolean;
  handler: Handler;
}

export type RouteMatch = { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined;

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, auth = true): this {
    this.#routes.push({ method, parts: pattern.split("/").filter(Boolean), auth, handler });
    return this;
  }

  /** The route for method and path; `{ allowed }` when the path exists under other methods. */
  match(method: string, path: string): RouteMatch {
    const parts = path.split("/").filter(Boolean);
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const value = parts[i]!;
    if (p.startsWith(":")) {
      try {
        params[p.slice(1)] = decodeURIComponent(value);
      } catch {
        return undefined;
      }
    } else if (p !== value) return undefined;
  }
  return params;
}

const maxSafe = Number.MAX_SAFE_INTEGER;
const json = (status: number, body: unknown): Reply => ({ status, body });

function scalingPatch(raw: unknown): ScalingPatch {
  const body = objectBody(raw, "with replicas, scaledownAfter and/or metric");
  onlyKeys(body, ["replicas", "scaledownAfter", "metric"]);
  const patch: ScalingPatch = {};
  if (body.replicas !== undefined) {
    const r = body.replicas;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((n) => typeof n === "number")) {
      throw new EbbError("API_BAD_REQUEST", "replicas must be [min, max], two numbers", { value: r });
    }
    patch.replicas = [r[0], r[1]];
  }
  if (body.scaledownAfter !== undefined) {
    if (typeof body.scaledownAfter !== "number") {
      throw new EbbError("API_BAD_REQUEST", "scaledownAfter must be a number of seconds", { value: body.scaledownAfter });
    }
    patch.scaledownAfter = body.scaledownAfter;
  }
  if (body.metric !== undefined) patch.metric = metricBody(body.metric);
  return patch;
}

/** `{ "concurrency": n }` or `{ "requestRate": n }`; the spec validator checks the value. */
function metricBody(raw: unknown): MetricSpec {
  const keys = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? Object.keys(raw) : [];
  const key = keys[0];
  const value = key === undefined ? undefined : (raw as Record<string, unknown>)[key];
  if (keys.length !== 1 || (key !== "concurrency" && key !== "requestRate") || typeof value !== "number") {
    throw new EbbError("API_BAD_REQUEST", 'metric must be {"concurrency": n} or {"requestRate": n}', { value: raw });
  }
  return key === "concurrency" ? { concurrency: value } : { requestRate: value };
}

function openStream(ctx: ApiContext, input: RouteInput) {
  const stream = ctx.streams.open(input.req, input.res);
  if (!stream) throw new EbbError("API_TOO_MANY_STREAMS", "too many live streams are open on this server; close one and retry");
  return stream;
}

/** Live events; with `after` (or Last-Event-ID) the newer stored events are replayed first. */
function streamEvents(ctx: ApiContext, input: RouteInput): undefined {
  const app = stringParam(input.query, "app");
  const lastEventId = input.req.headers["last-event-id"];
  const after = intParam(input.query, "after", 0, maxSafe, typeof lastEventId === "string" ? lastEventId : undefined);
  const stream = openStream(ctx, input);
  let lastId = after ?? 0;
  const deliver = (e: { id: number; app: string }): void => {
    if (e.id <= lastId || (app !== undefined && e.app !== app)) return;
    lastId = e.id;
    stream.send("ebb-event", e, e.id);
  };
  // Replay and subscribe in one synchronous turn: no event can fall between the two.
  if (after !== undefined) for (const e of ctx.control.events({ app, afterId: after, limit: ctx.replayLimit })) deliver(e);
  stream.onClose(ctx.control.subscribeEvents(deliver));
  return undefined;
}

function streamLogs(ctx: ApiContext, input: RouteInput): undefined {
  const name = input.params.name!;
  const replica = stringParam(input.query, "replica");
  ctx.control.getApp(name);
  const stream = openStream(ctx, input);
  const unsubscribe = ctx.control.subscribeLogs(name, (entry) => {
    if (replica !== undefined && entry.kind === "log" && entry.replica !== replica) return;
    stream.send("ebb-log", entry);
  });
  stream.onClose(unsubscribe);
  return undefined;
}

/**
 * One whole overview at once, then what changed, once a second as the control plane publishes
 * it (overview-feed.ts: a reader that falls behind gets the deltas merged, or a whole overview).
 * The first overview is read in the same turn as the subscription, as the deltas expect.
 */
function streamOverview(ctx: ApiContext, input: RouteInput): undefined {
  const first = ctx.control.overview();
  const stream = openStream(ctx, input);
  const feed = new OverviewFeed(stream);
  feed.begin(first);
  try {
    stream.onClose(ctx.control.subscribeOverview((update) => feed.push(update)));
  } catch (err) {
    stream.close();
    throw err;
  }
  return undefined;
}

export function apiRouter(): Router {
  return new Router()
    .add("GET", "/healthz", () => json(200, { ok: true }), false)
    .add("GET", "/metrics", (ctx) => {
      if (!ctx.metrics) throw new EbbError("API_NOT_FOUND", "this server exports no metrics");
      return { status: 200, body: ctx.metrics(), contentType: "text/plain; version=0.0.4; charset=utf-8" };
    })
    .add("GET", "/api/v1/apps", (ctx) => json(200, { apps: ctx.control.listApps() }))
    .add("POST", "/api/v1/apps", async (ctx, { req }) => {
      const body = objectBody(await readJsonBody(req, ctx.bodyLimitBytes), "with an 'apps' array");
      onlyKeys(body, ["apps", "defaultWorkdir"]);
      if (!Array.isArray(body.apps)) throw new EbbError("API_BAD_REQUEST", "'apps' must be an array of app specs");
      if (body.defaultWorkdir !== undefined && typeof body.defaultWorkdir !== "string") {
        throw new EbbError("API_BAD_REQUEST", "'defaultWorkdir' must be a string");
      }
      const defaultWorkdir = body.defaultWorkdir as string | undefined;
      const results = await ctx.control.deploy(body.apps, defaultWorkdir === undefined ? {} : { defaultWorkdir });
      return json(results.some((r) => r.outcome === "created") ? 201 : 200, { results });
    })
    .add("GET", "/api/v1/apps/:name", (ctx, { params }) => json(200, ctx.control.getApp(params.name!)))
    .add("DELETE", "/api/v1/apps/:name", async (ctx, { params }) => {
      await ctx.control.delete(params.name!);
      return { status: 204 };
    })
    .add("POST", "/api/v1/apps/:name/stop", async (ctx, { params }) => json(200, await ctx.control.stop(params.name!)))
    .add("POST", "/api/v1/apps/:name/start", async (ctx, { params }) => json(200, await ctx.control.start(params.name!)))
    .add("PATCH", "/api/v1/apps/:name/scaling", async (ctx, { req, params }) => {
      const patch = scalingPatch(await readJsonBody(req, ctx.bodyLimitBytes));
      return json(200, await ctx.control.updateScaling(params.name!, patch));
    })
    .add("GET", "/api/v1/apps/:name/logs", (ctx, { params, query }) => {
      const limit = intParam(query, "limit", 1, 10_000);
      const replica = stringParam(query, "replica");
      return json(200, { entries: ctx.control.logs(params.name!, { limit, replica }) });
    })
    .add("GET", "/api/v1/apps/:name/logs/stream", streamLogs)
    .add("GET", "/api/v1/events", (ctx, { query }) => {
      const filter = {
        app: stringParam(query, "app"),
        afterId: intParam(query, "after", 0, maxSafe),
        limit: intParam(query, "limit", 1, 10_000),
      };
      return json(200, { events: ctx.control.events(filter) });
    })
    .add("GET", "/api/v1/events/stream", streamEvents)
    .add("GET", "/api/v1/apps/:name/metrics", (ctx, { params, query }) => {
      const range = metricsRange(query, ctx.now());
      const samples = ctx.control.appMetrics(params.name!, range);
      return json(200, { samples, from: range.fromMs, to: range.toMs, step: range.stepMs });
    })
    .add("GET", "/api/v1/apps/:name/arrivals", (ctx, { params, query }) => {
      const range = arrivalsRange(query, ctx.now());
      return json(200, { arrivals: ctx.control.arrivals(params.name!, range), from: range.fromSec, to: range.toSec });
    })
    .add("GET", "/api/v1/overview", (ctx) => json(200, ctx.control.overview()))
    .add("GET", "/api/v1/overview/stream", streamOverview);
}
