/**
 * The typed client of the REST API (docs/api.md), used by the CLI and the console. It needs only
 * `fetch`, so it runs in Node and in browsers alike: no Node built-ins here. Failures come back as
 * EbbErrors with the server's code; a server that cannot be reached is SERVER_UNREACHABLE with a
 * hint. The CLI and the console import ebb's types and errors from here.
 */
import type { ArrivalCount, DeployResult, EventFilter, LogEntry, MetricSample, Overview, OverviewDelta, ScalingPatch } from "../control/types.js";
import { EbbError } from "../kit/errors.js";
import type { AppView, EbbEvent } from "../spec/types.js";
import { applyOverviewDelta } from "./overview-delta.js";
import { readSse, type SseMessage } from "./sse-reader.js";

export { EbbError, isEbbError } from "../kit/errors.js";
export { applyOverviewDelta } from "./overview-delta.js";
export type { AppTraffic, ArrivalCount, ControlApi, DeployResult, EventFilter, LogEntry, MetricSample, Overview, OverviewDelta, ScalingPatch } from "../control/types.js";
export type { LogLine } from "../runtime/types.js";
export type { AppSummary, AppView, EbbEvent, EventType } from "../spec/types.js";

export interface ClientOptions {
  /** e.g. "http://127.0.0.1:7070". */
  baseUrl: string;
  token: string;
  /** Default the global fetch. */
  fetch?: typeof fetch;
}

/** An app's recorded metrics, with the range and step the server used (ms). */
export interface AppMetrics {
  samples: MetricSample[];
  from: number;
  to: number;
  step: number;
}

export interface EbbClient {
  readonly baseUrl: string;
  deploy(apps: unknown[], opts?: { defaultWorkdir?: string }): Promise<DeployResult[]>;
  listApps(): Promise<AppView[]>;
  getApp(name: string): Promise<AppView>;
  stop(name: string): Promise<AppView>;
  start(name: string): Promise<AppView>;
  delete(name: string): Promise<void>;
  updateScaling(name: string, patch: ScalingPatch): Promise<DeployResult>;
  events(filter?: EventFilter): Promise<EbbEvent[]>;
  logs(name: string, opts?: { limit?: number; replica?: string }): Promise<LogEntry[]>;
  metrics(): Promise<string>;
  /** Recorded samples of an app; without options the last 15 minutes at a step of at most 900 points. */
  appMetrics(name: string, range?: { from?: number; to?: number; step?: number }): Promise<AppMetrics>;
  /**
   * Recorded request arrivals per second, `[epochSecond, count]` for the non-zero seconds in
   * [from, to) (epoch seconds), ascending; by default the last 7 days, the longest range allowed.
   */
  arrivals(name: string, range?: { from?: number; to?: number }): Promise<ArrivalCount[]>;
  /** Every app with its traffic over the last ~10 s. */
  overview(): Promise<Overview>;
  /**
   * The overview now, then once a second: whole overviews, each the previous one with the
   * server's delta applied (the stream sends what changed). Ends on abort.
   */
  streamOverview(signal?: AbortSignal): AsyncIterable<Overview>;
  /** Live events, after the stored ones newer than `after` (an event id). Ends on abort. */
  streamEvents(opts?: { app?: string; after?: number }, signal?: AbortSignal): AsyncIterable<EbbEvent>;
  /** Live log lines and events of one app. Ends on abort. */
  streamLogs(name: string, opts?: { replica?: string }, signal?: AbortSignal): AsyncIterable<LogEntry>;
}

export function createClient(opts: ClientOptions): EbbClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

  async function call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await doFetch(baseUrl + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new EbbError("SERVER_UNREACHABLE", `cannot reach ebb at ${baseUrl}: is \`ebb serve\` running? (${causeOf(err)})`, { url: baseUrl }, { cause: err });
    }
    if (!res.ok) throw await errorFrom(res, method, path);
    return res;
  }

  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await (await call(method, path, body)).json()) as T;
  const app = (name: string): string => `/api/v1/apps/${encodeURIComponent(name)}`;

  async function* messages(path: string, signal: AbortSignal | undefined, maxEventChars?: number): AsyncGenerator<SseMessage> {
    let res: Response;
    try {
      res = await call("GET", path, undefined, signal);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    if (!res.body) return;
    try {
      yield* readSse(res.body, signal, maxEventChars);
    } catch (err) {
      if (signal?.aborted) return;
      if (err instanceof EbbError) throw err;
      throw new EbbError("SERVER_UNREACHABLE", `lost the stream from ebb at ${baseUrl} (${causeOf(err)})`, { url: baseUrl }, { cause: err });
    }
  }

  async function* stream(path: string, event: string, signal: AbortSignal | undefined): AsyncGenerator<unknown> {
    for await (const message of messages(path, signal)) if (message.event === event) yield JSON.parse(message.data);
  }

  /** Whole overviews from `overview` events, with each `overview-delta` applied to the last. */
  async function* overviews(signal: AbortSignal | undefined): AsyncGenerator<Overview> {
    let current: Overview | null = null;
    for await (const message of messages("/api/v1/overview/stream", signal, overviewMaxChars)) {
      if (message.event === "overview") current = JSON.parse(message.data) as Overview;
      else if (message.event === "overview-delta" && current) current = applyOverviewDelta(current, JSON.parse(message.data) as OverviewDelta);
      else continue;
      yield current;
    }
  }

  return {
    baseUrl,
    deploy: async (apps, o = {}) => (await json<{ results: DeployResult[] }>("POST", "/api/v1/apps", { apps, ...o })).results,
    listApps: async () => (await json<{ apps: AppView[] }>("GET", "/api/v1/apps")).apps,
    getApp: (name) => json<AppView>("GET", app(name)),
    stop: (name) => json<AppView>("POST", `${app(name)}/stop`),
    start: (name) => json<AppView>("POST", `${app(name)}/start`),
    delete: async (name) => void (await call("DELETE", app(name))),
    updateScaling: (name, patch) => json<DeployResult>("PATCH", `${app(name)}/scaling`, patch),
    events: async (filter = {}) =>
      (await json<{ events: EbbEvent[] }>("GET", `/api/v1/events${query({ app: filter.app, after: filter.afterId, limit: filter.limit })}`)).events,
    logs: async (name, o = {}) => (await json<{ entries: LogEntry[] }>("GET", `${app(name)}/logs${query(o)}`)).entries,
    metrics: async () => (await call("GET", "/metrics")).text(),
    appMetrics: (name, range = {}) => json<AppMetrics>("GET", `${app(name)}/metrics${query(range)}`),
    arrivals: async (name, range = {}) => (await json<{ arrivals: ArrivalCount[] }>("GET", `${app(name)}/arrivals${query(range)}`)).arrivals,
    overview: () => json<Overview>("GET", "/api/v1/overview"),
    streamOverview: (signal) => overviews(signal),
    streamEvents: (o = {}, signal) => stream(`/api/v1/events/stream${query(o)}`, "ebb-event", signal) as AsyncIterable<EbbEvent>,
    streamLogs: (name, o = {}, signal) => stream(`${app(name)}/logs/stream${query(o)}`, "ebb-log", signal) as AsyncIterable<LogEntry>,
  };
}

/** A whole overview carries every app's view: about 1 KB each, so 10,000 apps make some 10 MB. */
const overviewMaxChars = 64 * 1024 * 1024;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** The server's `{ error: { code, message, details } }`, or a generic error naming the status. */
async function errorFrom(res: Response, method: string, path: string): Promise<EbbError> {
  const text = await res.text().catch(() => "");
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (error && typeof error.code === "string" && typeof error.message === "string") {
      const details = error.details && typeof error.details === "object" ? (error.details as Record<string, unknown>) : {};
      return new EbbError(error.code, error.message, details);
    }
  } catch {
    // Not an ebb error body (e.g. a proxy's page): fall through to the generic error.
  }
  return new EbbError("INTERNAL_ERROR", `unexpected answer ${res.status} ${res.statusText} to ${method} ${path}`, { status: res.status });
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return err instanceof Error ? err.message : String(err);
}
