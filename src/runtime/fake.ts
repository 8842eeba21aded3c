/**
 * A Runtime without processes, for unit tests of the control plane. Replicas start at once and
 * become ready, crash or print only when the test says so (`markReady`, `crash`, `emitLog`);
 * everything else follows the real rules: level-triggered scale per app revision, victims from
 * policy.ts, drain through the hook before stopping, restarts with back-off on the injected
 * Clock, crash-loop after the threshold. It passes the same contract suite as the local runtime.
 */
import type { Clock, Timer } from "../kit/clock.js";
import { once } from "../kit/lifecycle.js";
import { silentLogger, type Logger } from "../kit/log.js";
import type { AppSpec } from "../spec/types.js";
import { LogTails } from "./log-tail.js";
import { LastItems, backoffDelayMs, crashLoopCode, exitMessage, pickVictims, restartPolicyDefaults, type RestartPolicy } from "./policy.js";
import type { ExitReason, LogLine, ReplicaInfo, Runtime, RuntimeEvent, RuntimeHooks, StartPhases } from "./types.js";

export interface FakeRuntimeOptions extends Partial<RestartPolicy> {
  clock: Clock;
  log?: Logger;
  /** Lines kept per app for logs(). Default 2,000. */
  logTailLines?: number;
}

export interface FakeRuntime extends Runtime {
  /** Makes a starting replica ready; phases default to spawn at once and ready now. */
  markReady(id: string, phases?: Partial<StartPhases>): void;
  /** Makes a live replica exit by itself (reason "crashed" unless told otherwise). */
  crash(id: string, code?: number, reason?: Exclude<ExitReason, "stopped">): void;
  /** A line of the replica's own output. */
  emitLog(id: string, stream: "stdout" | "stderr", text: string): void;
}

interface Slot {
  id: string;
  app: string;
  revision: number;
  seq: number;
  port: number;
  state: "waiting" | "starting" | "ready" | "draining";
  victim: boolean;
  startedAt: number;
  readyAt: number | null;
  restarts: number;
  failures: number;
  lastLines: LastItems<string>;
  timer: Timer | null;
  /** Resolves once the slot is forgotten (stopped for good). */
  gone: Promise<void>;
  markGone: () => void;
}

interface Revision {
  spec: AppSpec;
  desired: number;
  slots: Set<Slot>;
}

export function createFakeRuntime(hooks: RuntimeHooks, opts: FakeRuntimeOptions): FakeRuntime {
  const { clock } = opts;
  const log = opts.log ?? silentLogger;
  const policy: RestartPolicy = { ...restartPolicyDefaults, ...definedOnly(opts) };
  const tails = new LogTails({ linesPerApp: opts.logTailLines, log });
  const apps = new Map<string, Map<number, Revision>>();
  const slots = new Map<string, Slot>();
  let seq = 0;
  let closed = false;

  const info = (s: Slot): ReplicaInfo => ({
    id: s.id,
    app: s.app,
    revision: s.revision,
    state: s.state === "waiting" ? "exited" : s.state,
    endpoint: s.state === "waiting" ? null : { host: "127.0.0.1", port: s.port },
    pid: null,
    startedAt: s.startedAt,
    readyAt: s.readyAt,
    restarts: s.restarts,
  });
  const emit = (e: RuntimeEvent): void => hooks.onEvent(e);
  const line = (s: Slot, stream: LogLine["stream"], text: string): void => {
    if (stream !== "system") s.lastLines.push(text);
    tails.append({ time: clock.now(), app: s.app, replica: s.id, stream, text });
  };
  const live = (id: string): Slot => {
    const s = slots.get(id);
    if (!s || s.state === "waiting") throw new Error(`fake runtime: no live replica ${id}`);
    return s;
  };

  function start(s: Slot): void {
    s.state = "starting";
    s.startedAt = clock.now();
    s.readyAt = null;
    emit({ type: "replica-started", at: clock.now(), replica: info(s) });
    line(s, "system", `started on port ${s.port}`);
  }

  function exit(s: Slot, reason: ExitReason, code: number | null, signal: string | null): void {
    s.timer?.cancel();
    s.timer = null;
    const lastLines = s.lastLines.values();
    const message = reason === "stopped" ? `stopped (${exitMessage(code, signal, [])})` : exitMessage(code, signal, lastLines);
    const replica = { ...info(s), state: "exited" as const };
    s.state = "waiting";
    emit({ type: "replica-exited", at: clock.now(), replica, code, signal, reason, message, lastLines });
    line(s, "system", message);
    s.lastLines.clear();
    if (s.victim || closed) return forget(s);
    s.failures++;
    const delay = backoffDelayMs(s.failures, policy);
    if (s.failures >= policy.crashLoopThreshold) {
      const cause = { code: crashLoopCode(reason), message: `${s.failures} failures in a row; last: ${message}` };
      emit({ type: "crash-loop", at: clock.now(), app: s.app, revision: s.revision, cause, restartInMs: delay });
    }
    line(s, "system", `restarting in ${delay} ms`);
    s.timer = clock.setTimeout(() => {
      s.timer = null;
      s.restarts++;
      start(s);
    }, delay);
  }

  function forget(s: Slot): void {
    s.timer?.cancel();
    slots.delete(s.id);
    apps.get(s.app)?.get(s.revision)?.slots.delete(s);
    s.markGone();
  }

  async function stop(s: Slot): Promise<void> {
    s.victim = true;
    if (s.state === "waiting") forget(s);
    else if (s.state === "starting") exit(s, "stopped", null, "SIGTERM");
    else if (s.state === "ready") {
      s.state = "draining";
      s.timer?.cancel();
      emit({ type: "replica-draining", at: clock.now(), replica: info(s) });
      await hooks.drain(info(s)).catch((err) => log.warn("drain hook failed", { replica: s.id, err }));
      if (s.state === "draining") exit(s, "stopped", 0, null);
    }
    return s.gone;
  }

  function reconcile(app: string, revision: number): void {
    const rev = apps.get(app)?.get(revision);
    if (!rev) return;
    const active = [...rev.slots].filter((s) => !s.victim);
    for (let n = active.length; n < rev.desired; n++) {
      let markGone = (): void => {};
      const gone = new Promise<void>((resolve) => (markGone = resolve));
      const s: Slot = {
        id: `${app}-r${revision}-${++seq}`, app, revision, seq, port: 20_000 + (seq % 40_000),
        state: "waiting", victim: false, startedAt: 0, readyAt: null, restarts: 0, failures: 0,
        lastLines: new LastItems(20), timer: null, gone, markGone,
      };
      rev.slots.add(s);
      slots.set(s.id, s);
      start(s);
    }
    const candidates = active.map((s) => ({ s, seq: s.seq, readyAt: s.readyAt, state: s.state === "draining" ? "ready" as const : s.state }));
    for (const v of pickVictims(candidates, active.length - rev.desired)) void stop(v.s);
  }

  async function stopAll(app: string): Promise<void> {
    const revs = apps.get(app);
    if (!revs) return;
    for (const rev of revs.values()) rev.desired = 0;
    await Promise.all([...revs.values()].flatMap((rev) => [...rev.slots].map(stop)));
  }

  const close = once(async () => {
    closed = true;
    await Promise.all([...apps.keys()].map(stopAll));
  });

  return {
    scale(spec, revision, count) {
      if (closed) return;
      let revs = apps.get(spec.name);
      if (!revs) apps.set(spec.name, (revs = new Map()));
      const rev = revs.get(revision) ?? { spec, desired: 0, slots: new Set<Slot>() };
      revs.set(revision, Object.assign(rev, { spec, desired: Math.max(0, Math.floor(count)) }));
      reconcile(spec.name, revision);
    },
    async remove(app) {
      await stopAll(app);
      apps.delete(app);
      tails.forget(app);
    },
    replicas: (app) => [...slots.values()].filter((s) => s.state !== "waiting" && (app === undefined || s.app === app)).map(info),
    logs: (app, o) => tails.lines(app, o),
    subscribeLogs: (app, fn) => tails.subscribe(app, fn),
    close,
    destroy() {
      closed = true;
      for (const s of [...slots.values()]) {
        s.victim = true;
        if (s.state === "waiting") forget(s);
        else exit(s, "stopped", null, "SIGKILL");
      }
    },
    markReady(id, phases = {}) {
      const s = live(id);
      if (s.state !== "starting") throw new Error(`fake runtime: replica ${id} is ${s.state}, not starting`);
      s.state = "ready";
      s.readyAt = clock.now();
      const readyMs = phases.readyMs ?? s.readyAt - s.startedAt;
      const full: StartPhases = { spawnMs: phases.spawnMs ?? 0, listeningMs: phases.listeningMs ?? readyMs, readyMs };
      emit({ type: "replica-ready", at: clock.now(), replica: info(s), phases: full });
      line(s, "system", `ready in ${full.readyMs} ms`);
      s.timer = clock.setTimeout(() => {
        s.timer = null;
        s.failures = 0;
      }, policy.backoffResetAfterMs);
    },
    crash(id, code = 1, reason = "crashed") {
      const signal = reason === "oom" || reason === "startup-timeout" ? "SIGKILL" : null;
      exit(live(id), reason, signal || reason === "start-failed" ? null : code, signal);
    },
    emitLog(id, stream, text) {
      line(live(id), stream, text);
    },
  };
}

function definedOnly(opts: Partial<RestartPolicy>): Partial<RestartPolicy> {
  const out: Partial<RestartPolicy> = {};
  for (const key of Object.keys(restartPolicyDefaults) as (keyof RestartPolicy)[]) {
    if (opts[key] !== undefined) out[key] = opts[key];
  }
  return out;
}
