/**
 * Test fixtures for the gateway's tests: real upstream servers on 127.0.0.1 port 0, a gateway on
 * port 0 driven by a ManualClock (so every timeout the gateway decides moves only when a test
 * says), a plain node:http client that can set any Host, and a bounded wait for conditions.
 * Not part of the gateway's surface (index.ts does not export it).
 */
import { createServer, request, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ManualClock } from "../kit/clock.js";
import { silentLogger } from "../kit/log.js";
import type { GatewayOptions } from "./config.js";
import { createGateway, type Gateway } from "./gateway.js";
import type { GatewayEndpoint, RouteSettings } from "./types.js";

export const token = "test-token";

/** Options for tests on real sockets: a request the gateway never answers fails the test instead of hanging it. */
export const bounded = { timeout: 15_000 };

export interface Upstream {
  server: Server;
  port: number;
  endpoint(id: string): GatewayEndpoint;
  close(): Promise<void>;
}

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function startUpstream(handler: RequestListener, onUpgrade?: UpgradeListener): Promise<Upstream> {
  const server = createServer(handler);
  if (onUpgrade) server.on("upgrade", onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    endpoint: (id) => ({ id, host: "127.0.0.1", port, revision: 1 }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A gateway with one app, "echo", whose one replica reads each request's body, notes the request
 * in `seen` as `record` renders it, and answers with `answer`; both servers close after the test.
 */
export async function startEchoGateway(
  t: { after(fn: () => Promise<void>): void },
  record: (req: IncomingMessage, body: string) => string,
  answer: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  config: Partial<GatewayOptions> = {},
): Promise<{ h: Harness; seen: string[] }> {
  const h = await startGateway(config);
  const seen: string[] = [];
  const up = await startUpstream((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("latin1")));
    req.on("end", () => {
      seen.push(record(req, body));
      answer(req, res, body);
    });
  });
  t.after(async () => (await h.close(), await up.close()));
  h.gw.upsertApp(route("echo"));
  h.gw.addEndpoint("echo", up.endpoint("echo-1"));
  return { h, seen };
}

/** A port nothing listens on: connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const up = await startUpstream(() => {});
  await up.close();
  return up.port;
}

export interface WakeServed {
  app: string;
  arrivedAt: number;
  waitedMs: number;
  firstByteMs: number;
  endpointId: string;
}

export interface Harness {
  gw: Gateway;
  port: number;
  clock: ManualClock;
  wakes: string[];
  served: WakeServed[];
  close(): Promise<void>;
}

export async function startGateway(config: Partial<GatewayOptions> = {}): Promise<Harness> {
  const clock = new ManualClock(1_000_000);
  const wakes: string[] = [];
  const served: WakeServed[] = [];
  const hooks = { onWake: (app: string) => void wakes.push(app), onWakeServed: (app: string, info: Omit<WakeServed, "app">) => void served.push({ app, ...info }) };
  const gw = createGateway({ authToken: token, port: 0, ...config }, hooks, { clock, log: silentLogger });
  const { port } = await gw.listen();
  return { gw, port, clock, wakes, served, close: () => gw.close() };
}

export function route(app: string, over: Partial<RouteSettings> = {}): RouteSettings {
  return { app, hosts: [`${app}.localhost`], requiresAuth: false, requestTimeoutMs: 30_000, concurrencyLimit: null, wakeQueueLimit: 100, ...over };
}

export interface Reply {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface SendOptions {
  host: string;
  path?: string;
  method?: string;
  headers?: Record<string, string> | string[];
  body?: string | Buffer;
}

/** One request on its own connection; resolves with the whole answer. */
export function send(port: number, opts: SendOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = Array.isArray(opts.headers) ? ["Host", opts.host, ...opts.headers] : { host: opts.host, ...opts.headers };
    const req = request({ host: "127.0.0.1", port, path: opts.path ?? "/", method: opts.method ?? "GET", headers, agent: false, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The `error` object of a gateway answer. */
export function errorOf(reply: Reply): { code: string; message: string; [k: string]: unknown } {
  return (JSON.parse(reply.body) as { error: { code: string; message: string } }).error;
}

/** Polls `cond` until it holds; fails after timeoutMs with `what` in the message. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Requests waiting for a replica now (read from the metrics, which collect() does not reset). */
export function queuedOf(gw: Gateway, app: string): number {
  return gw.requestMetrics().apps.find((a) => a.app === app)?.queued ?? 0;
}

export function inflightOf(gw: Gateway, app: string): number {
  return gw.requestMetrics().apps.find((a) => a.app === app)?.inflight ?? 0;
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
