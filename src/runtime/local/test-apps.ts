/**
 * Support for the local runtime's tests: tiny real apps (CommonJS scripts run by this Node
 * binary) written to a temporary folder, a runtime wired to an event recorder, and bounded
 * waits. The serving app's behaviour is chosen through its environment, so one script covers
 * readiness, crashes, ignored SIGTERM, grandchildren and chatty output; HTTP paths make a
 * ready replica crash (/crash?code=N) or grow its memory (/grow?mb=N).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../kit/clock.js";
import { silentLogger } from "../../kit/log.js";
import type { AppSpec } from "../../spec/types.js";
import { testAppSpec } from "../contract.js";
import type { RuntimeEvent, RuntimeHooks } from "../types.js";
import { parseStat, procAvailable } from "./proc-fs.js";
import { createLocalRuntime, type LocalRuntime } from "./runtime.js";
import type { LocalRuntimeOptions } from "./config.js";

const serverJs = `
const http = require("node:http");
const env = process.env;
let probes = 0;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://app");
  if (url.pathname === "/healthz") {
    probes++;
    res.statusCode = probes > Number(env.NOT_READY_PROBES || 0) ? 200 : 503;
    return res.end();
  }
  if (url.pathname === "/grow") {
    globalThis.hog = Buffer.alloc(Number(url.searchParams.get("mb")) * 1024 * 1024, 1);
    return res.end("grown");
  }
  if (url.pathname === "/crash") {
    const code = Number(url.searchParams.get("code"));
    console.error("crashing with code " + code);
    return res.end("bye", () => process.exit(code));
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ port: env.PORT, greeting: env.GREETING, base: env.BASE, probes }));
});
if (env.IGNORE_SIGTERM) process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
if (env.GRANDCHILD) {
  const script = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)";
  const child = require("node:child_process").spawn(process.execPath, ["-e", script], { stdio: "ignore" });
  console.log("grandchild " + child.pid);
}
if (env.LONG_LINE) console.log("x".repeat(Number(env.LONG_LINE)));
for (let i = 0; i < Number(env.SPAM_LINES || 0); i++) console.log("line " + i + " " + "y".repeat(80));
server.listen(Number(env.PORT), "127.0.0.1", () => console.log("serving on " + env.PORT));
`;

const crashJs = `console.error("boom"); process.exit(Number(process.argv[2] || 1));`;
const silentJs = `console.log("not listening"); setInterval(() => {}, 1000);`;

export interface TestApps {
  dir: string;
  /** A spec running one of the scripts with this Node binary. */
  spec(name: string, script: "server" | "crash" | "silent" | "missing", overrides?: Partial<AppSpec> & { args?: string[] }): AppSpec;
  cleanup(): void;
}

export function writeTestApps(): TestApps {
  const dir = mkdtempSync(join(tmpdir(), "ebb-runtime-"));
  writeFileSync(join(dir, "server.cjs"), serverJs);
  writeFileSync(join(dir, "crash.cjs"), crashJs);
  writeFileSync(join(dir, "silent.cjs"), silentJs);
  return {
    dir,
    spec(name, script, overrides = {}) {
      const { args = [], ...rest } = overrides;
      return testAppSpec(name, { command: [process.execPath, `${script}.cjs`, ...args], workdir: dir, ...rest });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Harness {
  runtime: LocalRuntime;
  apps: TestApps;
  stateDir: string;
  events: RuntimeEvent[];
  ofType<K extends RuntimeEvent["type"]>(type: K, app?: string): Extract<RuntimeEvent, { type: K }>[];
  /** Destroys the runtime, waits for its processes, removes the folders. */
  close(): Promise<void>;
}

/** A local runtime on a fresh state folder, with fast back-off and an event recorder. */
export function startLocal(options: Partial<LocalRuntimeOptions> = {}, drain: RuntimeHooks["drain"] = async () => {}): Harness {
  const apps = writeTestApps();
  const stateDir = join(apps.dir, "state");
  const events: RuntimeEvent[] = [];
  const hooks: RuntimeHooks = { onEvent: (e) => void events.push(e), drain };
  const runtime = createLocalRuntime(
    { stateDir, backoffBaseMs: 20, backoffMaxMs: 160, stopGraceMs: 2_000, memoryPollMs: 50, ...options },
    hooks,
    { clock: systemClock, log: silentLogger },
  );
  return {
    runtime,
    apps,
    stateDir,
    events,
    ofType: (type, app) => events.filter((e) => e.type === type && (app === undefined || ("app" in e ? e.app : e.replica.app) === app)) as never,
    async close() {
      runtime.destroy();
      await runtime.close();
      apps.cleanup();
    },
  };
}

/** Polls `pred` every 5 ms until it returns a value; fails after `timeoutMs` naming `what`. */
export async function waitUntil<T>(what: string, pred: () => T | undefined | false, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = pred();
    if (got !== undefined && got !== false) return got as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** True while the process exists and is not a zombie (where /proc tells). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.state !== "Z";
  } catch {
    return !procAvailable;
  }
}
