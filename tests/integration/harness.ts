/**
 * A real ebb for integration tests: the whole server in this process (ports 0, a temp data dir),
 * real replica processes written to temp folders, real HTTP through the gateway. Waits are for
 * conditions with a deadline, never fixed sleeps.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { silentLogger } from "../../src/kit/log.js";
import { createClient, type EbbClient } from "../../src/api/client.js";
import type { EbbEvent } from "../../src/spec/types.js";
import { loadServeConfig, type ServeConfig } from "../../src/cmd/config.js";
import { startServer, type RunningServer } from "../../src/cmd/server.js";

export interface Ebb {
  server: RunningServer;
  client: EbbClient;
  dataDir: string;
  /** Folder for app sources of this test. */
  appsDir: string;
  /** Writes `server.mjs` (and anything else) into a new app folder; returns its path. */
  writeApp(name: string, files: Record<string, string>): string;
  /** One HTTP request to an app through the gateway. */
  fetchApp(app: string, path?: string, opts?: RequestOptions): Promise<AppResponse>;
  /** Resolves with the first event matching, stored or future; rejects after timeoutMs. */
  waitForEvent(app: string, match: (e: EbbEvent) => boolean, timeoutMs?: number): Promise<EbbEvent>;
  events(app: string): EbbEvent[];
  close(): Promise<void>;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface AppResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** ms from sending the request to the first response byte. */
  firstByteMs: number;
  /** ms epoch when the response ended. */
  endedAt: number;
}

export async function startEbb(overrides: Partial<Pick<ServeConfig, "autoscaler" | "runtime" | "gateway">> = {}, dataDir?: string): Promise<Ebb> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "ebb-it-"));
  const appsDir = mkdtempSync(join(tmpdir(), "ebb-apps-"));
  const base = loadServeConfig({ cwd: dir, env: {}, flags: { dataDir: dir, port: "0", controlPort: "0", logLevel: "error" } });
  const config: ServeConfig = { ...base, runtime: { stopGraceMs: 3000, ...overrides.runtime }, autoscaler: { ...overrides.autoscaler }, gateway: { ...overrides.gateway } };
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"));
  const server = await startServer(config, { log: silentLogger, baseEnv: env });
  const client = createClient({ baseUrl: server.apiUrl, token: server.token });
  return {
    server,
    client,
    dataDir: dir,
    appsDir,
    writeApp(name, files) {
      const folder = join(appsDir, name);
      mkdirSync(folder, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
      return folder;
    },
    fetchApp: (app, path = "/", opts = {}) => fetchThrough(server.gatewayPort, app, path, opts),
    waitForEvent: (app, match, timeoutMs = 15_000) => waitForEvent(server, app, match, timeoutMs),
    events: (app) => server.control.events({ app, limit: 10_000 }),
    async close() {
      await server.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
      rmSync(appsDir, { recursive: true, force: true });
    },
  };
}

export function fetchThrough(port: number, app: string, path: string, opts: RequestOptions = {}): Promise<AppResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let firstByteMs = -1;
    const req = request(
      { host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: { host: `${app}.localhost`, ...opts.headers }, timeout: opts.timeoutMs ?? 30_000 },
      (res) => {
        firstByteMs = Date.now() - started;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), firstByteMs, endedAt: Date.now() }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request to ${app}${path} timed out`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

function waitForEvent(server: RunningServer, app: string, match: (e: EbbEvent) => boolean, timeoutMs: number): Promise<EbbEvent> {
  return new Promise((resolve, reject) => {
    let off = (): void => {};
    const timer = setTimeout(() => {
      off();
      const seen = server.control.events({ app, limit: 50 }).map((e) => `${e.type}: ${e.message}`);
      reject(new Error(`no matching event for ${app} within ${timeoutMs} ms; last events:\n  ${seen.join("\n  ")}`));
    }, timeoutMs);
    const done = (e: EbbEvent): void => {
      clearTimeout(timer);
      off();
      resolve(e);
    };
    off = server.control.subscribeEvents((e) => {
      if (e.app === app && match(e)) done(e);
    });
    const stored = server.control.events({ app, limit: 10_000 }).find(match);
    if (stored) done(stored);
  });
}

/** A small app: answers `{pid, ms}` after `?ms=` milliseconds; /healthz for readiness. */
export const slowServer = `
import { createServer } from "node:http";
createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/healthz") return res.end("ok");
  const ms = Number(url.searchParams.get("ms") ?? 0);
  console.log("request " + req.url);
  setTimeout(() => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ pid: process.pid, ms, env: process.env.VERSION ?? null }));
  }, ms);
}).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

export function app(name: string, workdir: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, command: [process.execPath, "server.mjs"], workdir, requiresAuth: false, ...over };
}

/** Polls a condition every 50 ms until it holds; fails naming `what` after timeoutMs. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True once the app printed a line containing `text`. */
export function printed(ebb: Ebb, appName: string, text: string): boolean {
  return ebb.server.control.logs(appName, { limit: 2000 }).some((e) => e.kind === "log" && e.text.includes(text));
}
