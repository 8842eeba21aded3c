/**
 * The composition root of `ebb serve`: builds the store, gateway, runtime, autoscaler, control
 * plane, telemetry and API from one configuration, wires their hooks, and owns the order of
 * start and stop. It is the only place concrete parts are constructed. Telemetry reads the
 * gateway's request metrics and the control plane, records the metrics history in the store and
 * renders `/metrics` for the API. The autoscaler reads the gateway's traffic through the
 * arrival recorder, which keeps each app's per-second arrivals in the store for `ebb advise`.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock, type Clock } from "../kit/clock.js";
import { EbbError } from "../kit/errors.js";
import { once } from "../kit/lifecycle.js";
import type { Logger } from "../kit/log.js";
import { openSqliteStore } from "../store/sqlite.js";
import type { Store } from "../store/types.js";
import { createGateway, type Gateway } from "../gateway/index.js";
import { createLocalRuntime, type LocalRuntime } from "../runtime/index.js";
import { Autoscaler } from "../autoscaler/index.js";
import { ArrivalRecorder, Control, ProcessMetrics, Telemetry } from "../control/index.js";
import { createApiServer, type ApiServer } from "../api/index.js";
import type { ServeConfig } from "./config.js";
import { consoleDir } from "./console-dir.js";

export interface RunningServer {
  apiUrl: string;
  gatewayUrl: string;
  gatewayPort: number;
  apiPort: number;
  token: string;
  dataDir: string;
  control: Control;
  appUrl(app: string): string;
  /** Drains and stops everything: API, autoscaler, replicas (after their requests), gateway, store. */
  close(): Promise<void>;
  /** Stops at once: every replica process group is killed. */
  destroy(): void;
}

export interface ServerDeps {
  log: Logger;
  /** The environment replicas start from (their spec's env and PORT go on top). */
  baseEnv: Record<string, string>;
  clock?: Clock;
}

const tokenKey = "api.token";

export async function startServer(config: Readonly<ServeConfig>, deps: ServerDeps): Promise<RunningServer> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log;
  mkdirSync(config.dataDir, { recursive: true });
  const store = openSqliteStore({ file: join(config.dataDir, "ebb.db"), log: log.child({ component: "store" }) });
  const token = ensureToken(store, config.dataDir);

  let gatewayPort = config.gatewayPort;
  const appUrl = (app: string): string => `http://${app}.${config.publicHost}:${gatewayPort}`;
  const control = new Control({
    store,
    clock,
    log: log.child({ component: "control" }),
    config: {
      appUrl,
      routeHostSuffix: config.publicHost,
      wakeQueueLimit: config.gateway.defaultWakeQueueLimit ?? 1000,
      conditionsInView: 20,
    },
  });

  let gateway: Gateway | undefined;
  let runtime: LocalRuntime | undefined;
  let autoscaler: Autoscaler | undefined;
  let arrivals: ArrivalRecorder | undefined;
  let api: ApiServer | undefined;
  let telemetry: Telemetry | undefined;
  let processMetrics: ProcessMetrics | undefined;
  try {
    gateway = createGateway({ host: config.host, port: config.gatewayPort, authToken: token, ...config.gateway }, control.gatewayHooks, { clock, log });
    gatewayPort = (await listening("gateway", config.host, config.gatewayPort, gateway.listen())).port;
    runtime = createLocalRuntime(
      { stateDir: join(config.dataDir, "state"), logDir: join(config.dataDir, "logs"), host: config.host, baseEnv: deps.baseEnv, ...config.runtime },
      control.runtimeHooks,
      { clock, log },
    );
    arrivals = new ArrivalRecorder({ source: gateway, history: store, clock, log: log.child({ component: "arrivals" }) });
    autoscaler = new Autoscaler({ clock, stats: arrivals, target: control.scaleTarget, config: config.autoscaler, log });
    control.attach({ runtime, routes: gateway, autoscaler });
    control.attachArrivals(arrivals);
    arrivals.start();
    processMetrics = new ProcessMetrics();
    const tele = new Telemetry({ clock, log: log.child({ component: "telemetry" }), history: store, gateway, fleet: control, process: processMetrics });
    telemetry = tele;
    control.attachTelemetry(tele);
    tele.start();
    control.recover();
    autoscaler.start();
    const staticDir = consoleDir();
    api = createApiServer(
      { host: config.host, port: config.controlPort, token },
      { control, log, metrics: () => tele.metricsText(), ...(staticDir ? { staticDir } : {}) },
    );
    const apiPort = (await listening("API", config.host, config.controlPort, api.listen())).port;
    const apiUrl = `http://${config.host}:${apiPort}`;
    const gatewayUrl = `http://${config.publicHost}:${gatewayPort}`;
    writeFileSync(join(config.dataDir, "server.json"), JSON.stringify({ api: apiUrl, gateway: gatewayUrl, pid: process.pid }, null, 2) + "\n");

    const parts = { gateway, runtime, autoscaler, arrivals, api, telemetry: tele, processMetrics };
    const close = once(async () => {
      await parts.api.close();
      await parts.telemetry.close();
      parts.processMetrics.close();
      await parts.autoscaler.close();
      await parts.arrivals.close();
      await parts.runtime.close();
      await parts.gateway.close();
      store.close();
      rmSync(join(config.dataDir, "server.json"), { force: true });
    });
    return {
      apiUrl,
      gatewayUrl,
      gatewayPort,
      apiPort,
      token,
      dataDir: config.dataDir,
      control,
      appUrl,
      close,
      destroy() {
        parts.runtime.killAllSync();
        parts.api.destroy();
        parts.telemetry.destroy();
        parts.processMetrics.close();
        parts.autoscaler.destroy();
        parts.arrivals.destroy();
        parts.gateway.destroy();
        store.destroy();
        rmSync(join(config.dataDir, "server.json"), { force: true });
      },
    };
  } catch (err) {
    runtime?.killAllSync();
    api?.destroy();
    telemetry?.destroy();
    processMetrics?.close();
    autoscaler?.destroy();
    arrivals?.destroy();
    gateway?.destroy();
    store.destroy();
    throw err;
  }
}

/** A listener's start, with a bind failure named for users (port in use, not allowed). */
async function listening<T>(what: string, host: string, port: number, started: Promise<T>): Promise<T> {
  try {
    return await started;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "EADDRINUSE" ? "the port is in use (is another ebb serve running?)" : code === "EACCES" ? "not allowed" : (err as Error).message;
    throw new EbbError("SERVER_LISTEN_FAILED", `the ${what} cannot listen on ${host}:${port}: ${why}`, { host, port }, { cause: err });
  }
}

/** The API token: made once, kept in the store, and written to `<dataDir>/token` (mode 600) for the CLI. */
function ensureToken(store: Store, dataDir: string): string {
  let token = store.getMeta(tokenKey);
  if (!token) {
    token = randomBytes(24).toString("base64url");
    store.setMeta(tokenKey, token);
  }
  writeFileSync(join(dataDir, "token"), token + "\n", { mode: 0o600 });
  return token;
}
