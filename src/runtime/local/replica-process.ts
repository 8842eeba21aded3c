/**
 * One replica process: spawned without a shell as the leader of its own process group, so that
 * stopping it reaches every process it started. Stopping sends SIGTERM to the group and SIGKILL
 * after the grace period; once the leader exits, whatever is left in its group is SIGKILLed at
 * once (those are orphans nobody would stop). Output is split into lines; the exit is reported
 * once, after the output pipes close (bounded wait, since an escaped grandchild may hold them).
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Clock, Timer } from "../../kit/clock.js";
import type { AppSpec } from "../../spec/types.js";
import { exitMessage } from "../policy.js";
import type { ExitReason } from "../types.js";
import { LineSplitter } from "./line-splitter.js";
import { signalGroup } from "./process-registry.js";

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started (ENOENT, EACCES, a missing workdir). */
  spawnError: NodeJS.ErrnoException | null;
}

export interface ReplicaProcessOptions {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  clock: Clock;
  /** SIGTERM to SIGKILL, ms. */
  stopGraceMs: number;
  /** Longest output line kept, bytes. */
  lineMaxBytes: number;
  /** Longest wait for output to drain after the leader exits, ms. Default 500. */
  outputDrainMs?: number;
  onLine(stream: "stdout" | "stderr", text: string): void;
  /** Called exactly once. */
  onExit(exit: ProcessExit): void;
}

export class ReplicaProcess {
  /** Null when the process could not be started. */
  readonly pid: number | null;
  #opts: ReplicaProcessOptions;
  #child: ChildProcess | null = null;
  #killTimer: Timer | null = null;
  #drainTimer: Timer | null = null;
  #exit: ProcessExit | null = null;
  #reported = false;
  #terminating = false;

  constructor(opts: ReplicaProcessOptions) {
    this.#opts = opts;
    const [command, ...args] = opts.argv;
    let child: ChildProcess;
    try {
      child = spawn(command ?? "", args, { cwd: opts.cwd, env: { ...opts.env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      this.pid = null;
      queueMicrotask(() => this.#report({ code: null, signal: null, spawnError: err as NodeJS.ErrnoException }));
      return;
    }
    this.#child = child;
    this.pid = child.pid ?? null;
    for (const stream of ["stdout", "stderr"] as const) {
      const splitter = new LineSplitter(opts.lineMaxBytes, (text) => opts.onLine(stream, text));
      child[stream]?.on("data", (chunk: Buffer) => splitter.push(chunk));
      child[stream]?.on("end", () => splitter.end());
    }
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (this.pid === null) this.#report({ code: null, signal: null, spawnError: err });
    });
    child.on("exit", (code, signal) => this.#leaderExited(code, signal));
    child.on("close", () => {
      if (this.#exit) this.#report(this.#exit);
    });
  }

  get exited(): boolean {
    return this.#reported || this.#exit !== null;
  }

  /** SIGTERM to the group, SIGKILL after the grace period. Idempotent. */
  terminate(): void {
    if (this.pid === null || this.exited || this.#terminating) return;
    this.#terminating = true;
    signalGroup(this.pid, "SIGTERM");
    this.#killTimer = this.#opts.clock.setTimeout(() => this.kill(), this.#opts.stopGraceMs);
  }

  /** SIGKILL to the group now. */
  kill(): void {
    if (this.pid !== null) signalGroup(this.pid, "SIGKILL");
  }

  #leaderExited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exit) return;
    this.#exit = { code, signal, spawnError: null };
    this.#killTimer?.cancel();
    this.kill();
    const pipesOpen = this.#child?.stdout?.readable || this.#child?.stderr?.readable;
    if (!pipesOpen) return this.#report(this.#exit);
    const exit = this.#exit;
    this.#drainTimer = this.#opts.clock.setTimeout(() => this.#report(exit), this.#opts.outputDrainMs ?? 500);
  }

  #report(exit: ProcessExit): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#killTimer?.cancel();
    this.#drainTimer?.cancel();
    this.#child?.stdout?.destroy();
    this.#child?.stderr?.destroy();
    this.#opts.onExit(exit);
  }
}

/** The one-line exit message users see, by reason: the app's own error for a crash. */
export function describeExit(reason: ExitReason, exit: ProcessExit, lastLines: string[], spec: AppSpec): string {
  const status = exitMessage(exit.code, exit.signal, []);
  switch (reason) {
    case "start-failed": {
      const err = exit.spawnError!;
      const what = err.code === "ENOENT" ? "no such file or directory" : err.code === "EACCES" ? "permission denied" : err.message;
      return `could not start ${JSON.stringify(spec.command[0] ?? "")} in ${spec.workdir}: ${what} (${err.code ?? "error"})`;
    }
    case "startup-timeout":
      return `not ready within the startup timeout of ${spec.timeouts.startup} s (${status})`;
    case "oom":
      return `killed over its memory limit of ${spec.resources.memory} (${status})`;
    case "stopped":
      return `stopped (${status})`;
    default:
      return exitMessage(exit.code, exit.signal, lastLines);
  }
}
