/**
 * The local runtime: replicas as child processes of this server, one supervisor per app
 * revision (several revisions of an app run side by side during a rollout). It owns what the
 * supervisors share: the capacity pool and the replicas waiting for it, free ports, the memory
 * watch, the log tails, and the process registry that guarantees no replica outlives the server
 * (orphans of a dead server are killed at creation; `killAllSync` is for `process.on("exit")`).
 *
 * An app at zero keeps nothing here: its supervisors go when their last replica is gone, and its
 * in-memory log tail once the last replica's log file is closed (every line is on disk then);
 * logs() reads such an app's lines back from its files (log-history.ts). `remove` deletes the
 * app's log folder with it.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../kit/clock.js";
import { once } from "../../kit/lifecycle.js";
import type { Logger } from "../../kit/log.js";
import { LogTails } from "../log-tail.js";
import type { Runtime, RuntimeEvent, RuntimeHooks } from "../types.js";
import { CapacityPool } from "./capacity.js";
import { readLogHistory } from "./log-history.js";
import { resolveLocalRuntimeConfig, type LocalRuntimeConfig, type LocalRuntimeOptions } from "./config.js";
import { MemoryWatch } from "./memory-watch.js";
import { PortAllocator } from "./ports.js";
import { ProcessRegistry } from "./process-registry.js";
import { RevisionSupervisor, type SupervisorEnv } from "./supervisor.js";

export interface LocalRuntime extends Runtime {
  readonly config: Readonly<LocalRuntimeConfig>;
  /**
   * SIGKILLs every live replica process group synchronously and stops all restarts: destroy()
   * under the name the server's `process.on("exit")` handler looks for.
   */
  killAllSync(): void;
  /** Apps with state in memory now: revision supervisors and in-memory log tails (diagnostics, tests). */
  held(): { supervisors: number; logTails: number };
}

export interface LocalRuntimeDeps {
  /** systemClock in production. */
  clock: Clock;
  log: Logger;
}

export const registryFileName = "replicas.json";

export function createLocalRuntime(options: LocalRuntimeOptions, hooks: RuntimeHooks, deps: LocalRuntimeDeps): LocalRuntime {
  const config = resolveLocalRuntimeConfig(options);
  const { clock } = deps;
  const log = deps.log.child({ component: "runtime" });
  const registry = new ProcessRegistry(join(config.stateDir, registryFileName), log);
  const orphans = registry.cleanupOrphans();
  if (orphans > 0) log.warn("killed replicas left running by a previous server", { count: orphans });

  /** Keyed by app, then revision; an entry lives while it has replicas or a count above zero. */
  const apps = new Map<string, Map<number, RevisionSupervisor>>();
  const waiting = new Set<RevisionSupervisor>();
  /** Open log files per app (its live slots); keyed by app, an entry lives while it is above 0. */
  const openLogs = new Map<string, number>();
  const appLogDir = (app: string): string => join(config.logDir, app);
  let seq = 0;
  let closed = false;
  let retryQueued = false;

  const env: SupervisorEnv = {
    config,
    clock,
    log,
    hooks,
    tails: new LogTails({
      linesPerApp: config.logTailLines,
      maxApps: config.logTailApps,
      history: (app, query) => readLogHistory(appLogDir(app), app, query, config.logReadMaxBytes),
      log,
    }),
    registry,
    capacity: new CapacityPool(config.capacity),
    ports: new PortAllocator(config.host),
    memory: new MemoryWatch({ clock, pollMs: config.memoryPollMs, log }),
    emit(event: RuntimeEvent) {
      try {
        hooks.onEvent(event);
      } catch (err) {
        log.error("runtime event consumer failed", { type: event.type, err });
      }
    },
    logPath: (app, replica) => join(appLogDir(app), `${replica}.log`),
    logFile(app, opened) {
      const n = (openLogs.get(app) ?? 0) + (opened ? 1 : -1);
      if (n > 0) return void openLogs.set(app, n);
      openLogs.delete(app);
      env.tails.forget(app);
    },
    capacityFreed() {
      if (retryQueued || waiting.size === 0) return;
      retryQueued = true;
      queueMicrotask(() => {
        retryQueued = false;
        for (const sup of [...waiting]) if (!closed) sup.fill();
      });
    },
    nextSeq: () => ++seq,
    waitingForCapacity(sup, isWaiting) {
      if (isWaiting) waiting.add(sup);
      else waiting.delete(sup);
    },
    idle(sup) {
      waiting.delete(sup);
      const revs = apps.get(sup.app);
      if (revs?.get(sup.revision) !== sup) return;
      revs.delete(sup.revision);
      if (revs.size === 0) apps.delete(sup.app);
    },
  };

  const supervisors = (app?: string): RevisionSupervisor[] =>
    app === undefined ? [...apps.values()].flatMap((revs) => [...revs.values()]) : [...(apps.get(app)?.values() ?? [])];

  const close = once(async () => {
    closed = true;
    await Promise.all(supervisors().map((s) => s.stopAll()));
    env.memory.close();
  });

  const destroy = (err?: Error): void => {
    if (err && !closed) log.warn("runtime destroyed", { err });
    closed = true;
    for (const s of supervisors()) s.killAll();
    registry.killAllSync();
    env.memory.close();
  };

  return {
    config,
    scale(spec, revision, count) {
      if (closed) {
        log.warn("scale ignored: the runtime is closed", { app: spec.name, revision, count });
        return;
      }
      let sup = apps.get(spec.name)?.get(revision);
      if (!sup) {
        if (!(count > 0)) return;
        let revs = apps.get(spec.name);
        if (!revs) apps.set(spec.name, (revs = new Map()));
        revs.set(revision, (sup = new RevisionSupervisor(env, spec, revision)));
      }
      sup.scale(spec, count);
    },
    async remove(app) {
      await Promise.all(supervisors(app).map((s) => s.stopAll()));
      env.tails.forget(app);
      try {
        rmSync(appLogDir(app), { recursive: true, force: true });
      } catch (err) {
        log.warn("could not remove the app's log files", { app, err });
      }
    },
    replicas: (app) => supervisors(app).flatMap((s) => s.replicas()),
    logs: (app, opts) => env.tails.lines(app, opts),
    subscribeLogs: (app, fn) => env.tails.subscribe(app, fn),
    close,
    destroy,
    killAllSync: () => destroy(),
    held: () => ({ supervisors: supervisors().length, logTails: env.tails.size }),
  };
}
