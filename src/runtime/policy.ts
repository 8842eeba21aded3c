/**
 * How every runtime reacts to failures and picks scale-down victims, so the local runtime, the
 * fake and any later engine agree on the rules users see: exponential restart back-off that
 * resets after a long enough healthy run, CRASH_LOOP after a few failures in a row, the cause
 * code that names why, and a one-line exit message taken from the app's own last words.
 */
import type { ErrorCode } from "../spec/catalogue.js";
import type { ExitReason } from "./types.js";

export interface RestartPolicy {
  /** First restart delay after a failure, ms; doubles with each failure in a row. Default 200. */
  backoffBaseMs: number;
  /** Ceiling of the restart delay, ms. Default 30,000. */
  backoffMaxMs: number;
  /** A replica ready for this long, ms, clears its failure count (and so its back-off). Default 60,000. */
  backoffResetAfterMs: number;
  /** Failures in a row (crash, start failure, startup timeout, OOM) before `crash-loop`. Default 3. */
  crashLoopThreshold: number;
}

export const restartPolicyDefaults: Readonly<RestartPolicy> = Object.freeze({
  backoffBaseMs: 200,
  backoffMaxMs: 30_000,
  backoffResetAfterMs: 60_000,
  crashLoopThreshold: 3,
});

/**
 * Delay before the next start of a slot that has failed `failures` times in a row (>= 1).
 * With the defaults: 1 -> 200 ms, 2 -> 400 ms, 3 -> 800 ms, ... capped at 30 s.
 */
export function backoffDelayMs(failures: number, policy: RestartPolicy): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** exponent);
}

/** The catalogue code that names a failing revision's cause, from its latest failure. */
export function crashLoopCode(reason: ExitReason): ErrorCode {
  switch (reason) {
    case "start-failed":
      return "RUNTIME_START_FAILED";
    case "startup-timeout":
      return "RUNTIME_STARTUP_TIMEOUT";
    case "oom":
      return "RUNTIME_OOM_KILLED";
    default:
      return "RUNTIME_CRASH_LOOP";
  }
}

/** The slot view victim selection needs. `seq` orders slots by creation (higher is newer). */
export interface VictimCandidate {
  state: "waiting" | "starting" | "ready";
  seq: number;
  readyAt: number | null;
}

/**
 * Scale-down order: slots without a process (waiting for back-off or capacity) first, then
 * starting ones (newest first), then the most recently ready. Returns the first `n`.
 */
export function pickVictims<T extends VictimCandidate>(candidates: readonly T[], n: number): T[] {
  const rank = { waiting: 0, starting: 1, ready: 2 } as const;
  return [...candidates]
    .sort(
      (a, b) =>
        rank[a.state] - rank[b.state] || (b.readyAt ?? 0) - (a.readyAt ?? 0) || b.seq - a.seq,
    )
    .slice(0, Math.max(0, n));
}

const errorLine = /^(\w*(Error|Exception)\b|panic:|fatal:|FATAL\b|Traceback\b)/;
const snippetMaxChars = 200;

/**
 * "exited with code 1: Error: Cannot find module 'x'". The detail is the app's last error-looking
 * line (a line starting with an error name, as Node, Python, Go and Rust print them), else its
 * last unindented output line.
 */
export function exitMessage(code: number | null, signal: string | null, lastLines: readonly string[]): string {
  const head = signal ? `killed by ${signal}` : `exited with code ${code ?? "unknown"}`;
  const lines = lastLines.map((l) => l.trimEnd()).filter((l) => l.length > 0);
  const detail =
    findLast(lines, (l) => errorLine.test(l)) ?? findLast(lines, (l) => !/^\s/.test(l) && !/^Node\.js v\d/.test(l));
  if (!detail) return head;
  const cut = detail.length > snippetMaxChars ? detail.slice(0, snippetMaxChars) + "…" : detail;
  return `${head}: ${cut}`;
}

function findLast(lines: string[], pred: (l: string) => boolean): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (pred(lines[i]!)) return lines[i];
  return undefined;
}

/** Keeps the last `max` items pushed (a replica's last output lines for its exit report). */
export class LastItems<T> {
  #items: T[] = [];
  constructor(readonly max: number) {}

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.max) this.#items.shift();
  }

  values(): T[] {
    return [...this.#items];
  }

  clear(): void {
    this.#items = [];
  }
}
