/**
 * The real ebb for browser tests: the built CLI (`dist/src/cmd/main.js serve`) as a child
 * process on ports 0 with a temp data dir, so it serves the built console exactly as users get
 * it. Also a small app of the test's own and traffic through the gateway. Waits are for
 * conditions with a deadline, never fixed sleeps.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type EbbClient } from "../../src/api/client.js";

/** The repository root: the nearest folder above this file with a package.json (from tests or dist). */
export function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  throw new Error("no package.json above the test");
}

export interface BuiltEbb {
  apiUrl: string;
  gatewayPort: number;
  token: string;
  client: EbbClient;
  /** Folder of the test's app (server.mjs). */
  appDir: string;
  /** What the server printed to stderr (its log), for failure messages; the last 64 KiB. */
  log(): string;
  close(): Promise<void>;
}

/** A tiny app: answers "ok" after `?ms=` milliseconds (default 0). */
const appSource = `import { createServer } from "node:http";
createServer((req, res) => {
  const ms = Number(new URL(req.url, "http://app").searchParams.get("ms") ?? 0);
  setTimeout(() => res.end("ok\\n"), ms);
}).listen(Number(process.env.PORT), "127.0.0.1");
console.log("listening on " + process.env.PORT);
process.on("SIGTERM", () => process.exit(0));
`;

export async function startBuiltEbb(startTimeoutMs = 15_000): Promise<BuiltEbb> {
  const root = repoRoot();
  const main = join(root, "dist", "src", "cmd", "main.js");
  if (!existsSync(main) || !existsSync(join(root, "dist", "console", "index.html"))) {
    throw new Error("ebb is not built: run `npm run build` (it builds the server and the console into dist/)");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "ebb-e2e-data-"));
  const appDir = mkdtempSync(join(tmpdir(), "ebb-e2e-app-"));
  writeFileSync(join(appDir, "server.mjs"), appSource);
  const child = spawn(process.execPath, [main, "serve", "--port", "0", "--control-port", "0", "--data-dir", dataDir, "--log-level", "warn"], {
    cwd: dataDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout = (stdout + c.toString()).slice(-65536)));
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-65536)));
  const cleanup = (): void => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ebb serve did not start within ${startTimeoutMs} ms:\n${stdout}\n${stderr}`)), startTimeoutMs);
      const onData = (): void => {
        if (!stdout.includes("Press Ctrl-C")) return;
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve();
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`ebb serve exited with ${code}:\n${stdout}\n${stderr}`)));
    });
  } catch (err) {
    child.kill("SIGKILL");
    cleanup();
    throw err;
  }
  const info = JSON.parse(readFileSync(join(dataDir, "server.json"), "utf8")) as { api: string; gateway: string };
  const token = readFileSync(join(dataDir, "token"), "utf8").trim();
  return {
    apiUrl: info.api,
    gatewayPort: Number(new URL(info.gateway).port),
    token,
    client: createClient({ baseUrl: info.api, token }),
    appDir,
    log: () => stderr,
    close: async () => {
      await stop(child, 20_000);
      cleanup();
    },
  };
}

/** SIGTERM (ebb drains and stops its replicas), then SIGKILL if it is still there after `graceMs`. */
function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** One GET through the gateway with `Host: <app>.localhost`; resolves with the status. */
export function hit(gatewayPort: number, app: string, path: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: gatewayPort, path, headers: { host: `${app}.localhost` }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`request to ${app}${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Sends `count` requests with `concurrency` in flight at a time, each taking `ms` in the app;
 * returns the statuses seen (status -> count).
 */
export async function traffic(gatewayPort: number, app: string, count: number, concurrency: number, ms: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const status = await hit(gatewayPort, app, `/?ms=${ms}`);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return statuses;
}

/** Polls `check` every 100 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
