// Starts ebb for a benchmark and talks to its REST API. Each server gets a fresh temporary data
// dir and ports chosen by the OS (`--port 0 --control-port 0`), read back from server.json.
// `startEbb` runs the real CLI (`ebb serve`); `startTimedEbb` runs the same composition root
// (startServer) in a harness that also times the autoscaler's tick (serve-timed.mjs).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { start, stop, waitFor } from "./proc.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const mainJs = join(root, "dist", "src", "cmd", "main.js");

/**
 * `config`: the server's YAML/JSON settings (autoscaler, gateway, runtime sections). `nodeArgs`
 * go before the script (e.g. `--expose-gc` for heap snapshots of the timed harness).
 */
export async function startEbb(config = {}, { timed = false, nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "ebb-bench-"));
  const configFile = join(dataDir, "bench-config.json");
  writeFileSync(configFile, JSON.stringify(config));
  const script = timed
    ? [join(root, "bench", "lib", "serve-timed.mjs"), dataDir, configFile]
    : [mainJs, "serve", "--port", "0", "--control-port", "0", "--data-dir", dataDir, "--config", configFile, "--log-level", "warn"];
  const args = [...nodeArgs, ...script];
  const child = start(process.execPath, args, { ipc: timed, spawn: { cwd: dataDir } });
  const serverJson = join(dataDir, "server.json");
  await waitFor(() => existsSync(serverJson) || child.exitCode !== null, "ebb serve to start", 30_000);
  if (child.exitCode !== null) throw new Error(`ebb serve exited: ${child.tail()}`);
  const info = JSON.parse(readFileSync(serverJson, "utf8"));
  const token = readFileSync(join(dataDir, "token"), "utf8").trim();
  const gatewayPort = Number(new URL(info.gateway).port);
  return new Ebb(child, dataDir, info.api, gatewayPort, token);
}

export class Ebb {
  constructor(child, dataDir, api, gatewayPort, token) {
    this.child = child;
    this.pid = child.pid;
    this.dataDir = dataDir;
    this.api = api;
    this.gatewayPort = gatewayPort;
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    this.token = token;
  }

  async call(method, path, body) {
    let res;
    try {
      res = await fetch(this.api + path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      const state = this.child.exitCode !== null || this.child.signalCode !== null ? `ebb exited (${this.child.exitCode ?? this.child.signalCode})` : "ebb is running";
      throw new Error(`${method} ${path}: ${err.cause?.message ?? err.message}; ${state}; its last output: ${this.child.tail().slice(-1500)}`);
    }
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  }

  deploy(apps) {
    return this.call("POST", "/api/v1/apps", { apps });
  }

  app(name) {
    return this.call("GET", `/api/v1/apps/${name}`);
  }

  /** Events of one app (oldest first), newer than `after` (an event id). */
  async events(app, after = 0, limit = 10_000) {
    return (await this.call("GET", `/api/v1/events?app=${app}&after=${after}&limit=${limit}`)).events;
  }

  /** The newest event id of the app (0 if none). */
  async lastEventId(app) {
    const events = await this.call("GET", `/api/v1/events?app=${app}&limit=1`);
    return events.events.at(-1)?.id ?? 0;
  }

  /** Waits for an event of `type` newer than `after`; returns it. */
  waitEvent(app, type, after, timeoutMs = 30_000) {
    return waitFor(async () => (await this.events(app, after)).find((e) => e.type === type), `${type} of ${app}`, timeoutMs, 25);
  }

  /** The endpoint port of the app's replica from its latest ReplicaReady event. */
  async replicaPort(app) {
    const ready = (await this.events(app)).filter((e) => e.type === "ReplicaReady").at(-1);
    if (!ready) throw new Error(`${app} has no ready replica`);
    return ready.data.endpoint.port;
  }

  /** Asks the timed harness for its numbers (startEbb with timed: true only). */
  probe() {
    return this.ask({ type: "probe" });
  }

  /** Sends the timed harness a message (serve-timed.mjs lists them) and resolves with its answer. */
  ask(msg) {
    return new Promise((resolve) => {
      this.child.once("message", resolve);
      this.child.send(msg);
    });
  }

  /** Stops the server (its replicas with it) and removes its data dir. */
  async stop() {
    await stop(this.child, 35_000);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The benchmark app as an ebb manifest. */
export function tinyApp(name, scaling, extra = {}) {
  return {
    name,
    command: [process.execPath, join(root, "bench", "apps", "tiny-server.mjs")],
    workdir: join(root, "bench", "apps"),
    requiresAuth: false,
    scaling,
    ...extra,
  };
}
