/**
 * One replica slot of an app revision, the local counterpart of a pod: it keeps its id across
 * restarts (so its log file and `restarts` count continue) and runs one process at a time.
 * State machine: waiting -> starting -> ready -> draining -> stopping -> (exit) -> waiting or
 * gone. A start reserves capacity and a port, spawns, probes readiness and arms the startup
 * timeout and the memory watch; every exit releases all of them and is reported once with its
 * reason. Restart policy (back-off, crash-loop) belongs to the supervisor that owns the slot.
 */
import type { Clock, Timer } from "../../kit/clock.js";
import type { AppSpec } from "../../spec/types.js";
import { LastItems } from "../policy.js";
import type { ExitReason, ReplicaInfo } from "../types.js";
import { commandWithPort } from "../../spec/command.js";
import { memoryBytes } from "../../spec/quantity.js";
import { formatBytes, requestOf, type Request } from "./capacity.js";
import { CappedLogFile } from "./log-file.js";
import { readStartTime } from "./proc-fs.js";
import { startReadinessProbe } from "./readiness.js";
import { ReplicaProcess, describeExit, type ProcessExit } from "./replica-process.js";
import type { SlotEnv } from "./supervisor.js";

export type SlotState = "waiting" | "starting" | "ready" | "draining" | "stopping" | "gone";

export interface SlotOwner {
  /** The slot's process is gone. Victims are forgotten right after; others await a restart. */
  slotExited(slot: ReplicaSlot, reason: ExitReason, message: string): void;
}

const lastLinesKept = 20;

export class ReplicaSlot {
  readonly id: string;
  readonly seq: number;
  readonly app: string;
  readonly revision: number;
  spec: AppSpec;
  state: SlotState = "waiting";
  /** Chosen for scale-down (or the runtime is closing): it is never restarted. */
  victim = false;
  restarts = 0;
  /** Failures in a row; the supervisor's back-off and crash-loop count. */
  failures = 0;
  startedAt = 0;
  readyAt: number | null = null;
  pid: number | null = null;
  port: number | null = null;
  readonly gone: Promise<void>;
  #markGone!: () => void;
  #env: SlotEnv;
  #owner: SlotOwner;
  #file: CappedLogFile;
  #lastLines = new LastItems<string>(lastLinesKept);
  #proc: ReplicaProcess | null = null;
  #probe: { cancel(): void } | null = null;
  /** The address the replica answered on (config.host, or ::1 for an app bound to IPv6 loopback only). */
  #host: string;
  #timers = new Set<Timer>();
  #restartTimer: Timer | null = null;
  #unwatchMemory: () => void = () => {};
  #request: Request | null = null;
  #stopping = false;
  #killReason: ExitReason | null = null;
  #spawnAt = 0;
  #listeningAt: number | null = null;

  constructor(env: SlotEnv, owner: SlotOwner, spec: AppSpec, revision: number, seq: number) {
    this.#env = env;
    this.#owner = owner;
    this.spec = spec;
    this.app = spec.name;
    this.revision = revision;
    this.seq = seq;
    this.id = `${spec.name}-r${revision}-${seq}`;
    this.#host = env.config.host;
    this.gone = new Promise((resolve) => (this.#markGone = resolve));
    this.#file = new CappedLogFile(env.logPath(this.app, this.id), { maxBytes: env.config.logFileMaxBytes, log: env.log });
    env.logFile(this.app, true);
  }

  /** Waiting out a restart back-off. */
  get backingOff(): boolean {
    return this.#restartTimer !== null;
  }

  info(): ReplicaInfo {
    const state = this.state === "waiting" || this.state === "gone" ? "exited" : this.state;
    const endpoint = this.port === null ? null : { host: this.#host, port: this.port };
    return { id: this.id, app: this.app, revision: this.revision, state, endpoint, pid: this.pid, startedAt: this.startedAt, readyAt: this.readyAt, restarts: this.restarts };
  }

  /** Starts a process if the replica's request fits the capacity; false (still waiting) if not. */
  start(): boolean {
    if (this.state !== "waiting" || this.backingOff) return false;
    const req = requestOf(this.spec);
    if (!this.#env.capacity.tryReserve(req)) return false;
    Object.assign(this, { state: "starting", startedAt: this.#env.clock.now(), readyAt: null, pid: null, port: null });
    this.#request = req;
    this.#killReason = null;
    this.#listeningAt = null;
    this.#lastLines.clear();
    this.#env.emit({ type: "replica-started", at: this.startedAt, replica: this.info() });
    void this.#launch();
    return true;
  }

  /** Runs `fn` no sooner than `delayMs` by the clock, unless the slot is stopped first. */
  restartAfter(delayMs: number, fn: () => void): void {
    this.#restartTimer = timeoutAtLeast(this.#env.clock, delayMs, () => {
      this.#restartTimer = null;
      fn();
    });
  }

  /** Scale-down: drain a ready replica through the hook, then SIGTERM/SIGKILL. Resolves when gone. */
  stop(): Promise<void> {
    this.victim = true;
    if (this.state === "waiting") this.#forget();
    else if (this.state === "starting") this.#terminate();
    else if (this.state === "ready") void this.#drainThenTerminate();
    return this.gone;
  }

  /** Abort: SIGKILL at once, no drain. */
  kill(): void {
    this.victim = true;
    this.#stopping = true;
    if (this.state === "waiting") return this.#forget();
    if (this.state !== "gone") this.state = "stopping";
    this.#proc?.kill();
  }

  system(text: string): void {
    this.#line("system", text);
  }

  async #launch(): Promise<void> {
    const { config, clock, ports, registry } = this.#env;
    let port: number;
    try {
      port = await ports.allocate();
    } catch (err) {
      return this.#exited({ code: null, signal: null, spawnError: err as NodeJS.ErrnoException });
    }
    if (this.state !== "starting") {
      ports.release(port);
      return this.#exited({ code: null, signal: null, spawnError: null });
    }
    this.port = port;
    const argv = commandWithPort(this.spec.command, port);
    const proc = new ReplicaProcess({
      argv, cwd: this.spec.workdir, clock, stopGraceMs: config.stopGraceMs, lineMaxBytes: config.logLineMaxBytes,
      env: { ...config.baseEnv, ...this.spec.env, PORT: String(port) },
      onLine: (stream, text) => {
        this.#lastLines.push(text);
        this.#line(stream, text);
      },
      onExit: (exit) => this.#exited(exit),
    });
    this.#proc = proc;
    if (proc.pid === null) return;
    this.pid = proc.pid;
    this.#spawnAt = clock.now();
    registry.add({ pid: proc.pid, pgid: proc.pid, startTime: readStartTime(proc.pid), app: this.app, replica: this.id });
    this.system(`started pid ${proc.pid} on port ${port}: ${argv.join(" ")}`);
    this.#host = config.host;
    this.#probe = startReadinessProbe({
      clock, host: config.host, port, path: this.spec.readiness.path, timeoutMs: config.probeTimeoutMs,
      onListening: (at) => (this.#listeningAt = at),
      onReady: (at, host) => this.#ready(at, host),
    });
    const startupMs = this.spec.timeouts.startup * 1000;
    this.#after(startupMs - (clock.now() - this.startedAt), () => this.#killFor("startup-timeout", `not ready within ${this.spec.timeouts.startup} s; killing it`));
    const limit = memoryBytes(this.spec.resources.memory);
    this.#unwatchMemory = this.#env.memory.watch(proc.pid, limit, (rss) =>
      this.#killFor("oom", `using ${formatBytes(rss)}, over its memory limit of ${this.spec.resources.memory}; killing it`),
    );
  }

  #ready(at: number, host: string): void {
    if (this.state !== "starting") return;
    this.clearTimers();
    this.state = "ready";
    this.#host = host;
    this.readyAt = at;
    const phases = { spawnMs: this.#spawnAt - this.startedAt, listeningMs: (this.#listeningAt ?? at) - this.startedAt, readyMs: at - this.startedAt };
    this.#env.emit({ type: "replica-ready", at, replica: this.info(), phases });
    this.system(`ready in ${phases.readyMs} ms`);
    this.#after(this.#env.config.backoffResetAfterMs, () => (this.failures = 0));
  }

  #killFor(reason: ExitReason, text: string): void {
    if (this.state !== "starting" && this.state !== "ready" && this.state !== "draining") return;
    if (reason === "startup-timeout" && this.state !== "starting") return;
    this.#killReason = reason;
    this.system(text);
    this.#proc?.kill();
  }

  async #drainThenTerminate(): Promise<void> {
    this.state = "draining";
    this.clearTimers();
    this.#env.emit({ type: "replica-draining", at: this.#env.clock.now(), replica: this.info() });
    const boundMs = this.spec.timeouts.request * 1000;
    let bound: Timer | null = null;
    const timeout = new Promise<void>((resolve) => (bound = this.#env.clock.setTimeout(resolve, boundMs)));
    const drained = Promise.resolve().then(() => this.#env.hooks.drain(this.info()));
    await Promise.race([drained, timeout]).catch((err) => this.#env.log.warn("drain hook failed", { replica: this.id, err }));
    (bound as Timer | null)?.cancel();
    if (this.state === "draining") this.#terminate();
  }

  #terminate(): void {
    this.state = "stopping";
    this.#stopping = true;
    this.clearTimers();
    if (!this.#proc) return;
    this.system(`stopping: SIGTERM, then SIGKILL after ${this.#env.config.stopGraceMs} ms`);
    this.#proc.terminate();
  }

  #exited(exit: ProcessExit): void {
    const { registry, ports, capacity } = this.#env;
    this.clearTimers(true);
    if (this.pid !== null) registry.remove(this.pid);
    ports.release(this.port);
    if (this.#request) capacity.release(this.#request);
    this.#request = null;
    const lastLines = this.#lastLines.values();
    const reason: ExitReason = exit.spawnError ? "start-failed" : (this.#killReason ?? (this.#stopping ? "stopped" : "crashed"));
    const message = describeExit(reason, exit, lastLines, this.spec);
    const replica = { ...this.info(), state: "exited" as const };
    // The report comes after the change, so whoever hears it sees the replica gone from replicas().
    Object.assign(this, { state: "waiting", pid: null, port: null });
    this.#proc = null;
    this.#stopping = false;
    this.#env.emit({ type: "replica-exited", at: this.#env.clock.now(), replica, code: exit.code, signal: exit.signal, reason, message, lastLines });
    this.system(message);
    this.#owner.slotExited(this, reason, message);
    if (this.victim) this.#forget();
    this.#env.capacityFreed();
  }

  /** Cancels the probe and the startup and success timers; `andMemory` ends the memory watch too. */
  clearTimers(andMemory = false): void {
    this.#probe?.cancel();
    this.#probe = null;
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    if (!andMemory) return;
    this.#unwatchMemory();
    this.#unwatchMemory = () => {};
  }

  #after(delayMs: number, fn: () => void): void {
    const timer = timeoutAtLeast(this.#env.clock, delayMs, () => {
      this.#timers.delete(timer);
      fn();
    });
    this.#timers.add(timer);
  }

  #forget(): void {
    if (this.state === "gone") return;
    this.state = "gone";
    this.#restartTimer?.cancel();
    this.#restartTimer = null;
    this.clearTimers(true);
    void this.#file.close().then(() => {
      this.#env.logFile(this.app, false);
      this.#markGone();
    });
  }

  #line(stream: "stdout" | "stderr" | "system", text: string): void {
    const time = this.#env.clock.now();
    this.#env.tails.append({ time, app: this.app, replica: this.id, stream, text });
    this.#file.write(`${new Date(time).toISOString()} ${stream} ${text}`);
  }
}

/**
 * A Clock timeout that never fires before `delayMs` has passed by `clock.now()`. Node timers
 * count from the event loop's cached time, so they may fire a little early by the wall clock;
 * the remainder is waited out, which keeps "restart no sooner than the back-off" exact.
 */
export function timeoutAtLeast(clock: Clock, delayMs: number, fn: () => void): Timer {
  const due = clock.now() + delayMs;
  let timer: Timer;
  const arm = (ms: number): void => {
    timer = clock.setTimeout(() => (clock.now() < due ? arm(due - clock.now()) : fn()), ms);
  };
  arm(Math.max(0, delayMs));
  return { cancel: () => timer.cancel() };
}
