/**
 * The composition root of `ebb serve`: builds the store, gateway, runtime, autoscaler, control
 * plane, telemetry and API from one configuration, wires their hooks, and owns the order of
 * start and stop. It is the only place concrete parts are constructed. Telemetry reads the
 * gateway's request metrics and the control plane, records the metrics history in the store and
 * renders `/metrics` for the API. The autoscaler reads the gateway's traffic through the
 * arrival recorder, which keeps each app's per-second arrivals in the store for `ebb advise`.
 * It also sets the V8 flag the long-running server needs (tuneHeapForServing, below).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
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
  tuneHeapForServing();
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

let heapTuned = false;

/**
 * Turns V8's allocation-site pretenuring off for this process (idempotent); startServer calls it
 * first. V8 "pretenures" an allocation site, allocating its objects straight in the old
 * generation, once most objects from it have been seen to outlive young collections. The request
 * path allocates from sites it shares with the rest of Node (a Timeout per request, a Buffer per
 * socket read), and a burst of long-lived objects from them, as when thousands of replicas start
 * at deploy with their timers and pipes, can get those sites tenured for the rest of the
 * process's life. Each request's short-lived objects then land in the old generation, the young
 * collections keep what those dead objects point to and promote it, and the old generation fills
 * with garbage. Measured with 10,000 apps deployed against a server that never saw the burst
 * (bench/heap-apps.mjs, V8's GC trace and sampling heap profiler): ~390 KB promoted per young
 * collection instead of ~7 KB, the request path's Timeouts and socket-read Buffers outliving
 * young collections, twice the young-collection time and ~10 % more CPU per proxied request.
 * ebb's long-lived state is small and grows at the pace of deploys, so it gains little from
 * pretenuring; with it off both servers spent the same CPU per request. V8 checks the flag
 * whenever it gathers pretenuring feedback (at each young collection), so setting it at start,
 * before any traffic or deploy, is enough.
 */
export function tuneHeapForServing(): void {
  if (heapTuned) return;
  heapTuned = true;
  setFlagsFromString("--no-allocation-site-pretenuring");
}
