/**
 * The runtime turns "revision R of app A should run N replicas" into ready endpoints and reports
 * each replica's lifecycle. It owns processes (or pods): start, readiness, restarts with back-off,
 * crash-loop detection, drain-then-stop, logs. It knows nothing of the gateway: before stopping a
 * replica on scale-down it awaits `hooks.drain(replica)`, which the control plane implements.
 *
 * Implementations: local/ (child processes), kubernetes/ (Deployments); fake.ts for unit tests.
 * All pass the shared contract suite in contract.ts.
 */
import type { Closable } from "../kit/lifecycle.js";
import type { ErrorCode } from "../spec/catalogue.js";
import type { AppSpec } from "../spec/types.js";

export interface Endpoint {
  host: string;
  port: number;
}

export type ReplicaState = "starting" | "ready" | "draining" | "stopping" | "exited";

export interface ReplicaInfo {
  /** Unique for the runtime's lifetime, e.g. "hello-r2-7". */
  id: string;
  app: string;
  revision: number;
  state: ReplicaState;
  endpoint: Endpoint | null;
  pid: number | null;
  /** ms epoch when the runtime was asked to start it. */
  startedAt: number;
  readyAt: number | null;
  /** How many times this replica slot was restarted after crashing. */
  restarts: number;
}

/** Phases of a replica start, in ms from `startedAt`. For TCP readiness listeningMs === readyMs. */
export interface StartPhases {
  spawnMs: number;
  listeningMs: number;
  readyMs: number;
}

export type ExitReason = "stopped" | "crashed" | "oom" | "startup-timeout" | "start-failed";

export type RuntimeEvent =
  | { type: "replica-started"; at: number; replica: ReplicaInfo }
  | { type: "replica-ready"; at: number; replica: ReplicaInfo; phases: StartPhases }
  | { type: "replica-draining"; at: number; replica: ReplicaInfo }
  | {
      type: "replica-exited";
      at: number;
      replica: ReplicaInfo;
      code: number | null;
      signal: string | null;
      /** "stopped" when ebb stopped it; anything else is a failure. */
      reason: ExitReason;
      message: string;
      /** Last lines of the replica's output, for the cause shown to users. */
      lastLines: string[];
    }
  | {
      /** The revision's replicas keep failing; restarts continue with back-off. */
      type: "crash-loop";
      at: number;
      app: string;
      revision: number;
      cause: { code: ErrorCode; message: string };
      restartInMs: number;
    }
  | { type: "insufficient-capacity"; at: number; app: string; revision: number; message: string };

export interface RuntimeHooks {
  onEvent(event: RuntimeEvent): void;
  /** Called before a replica is stopped on scale-down; resolves once its traffic has drained. */
  drain(replica: ReplicaInfo): Promise<void>;
}

export interface LogLine {
  /** ms epoch. */
  time: number;
  app: string;
  replica: string;
  stream: "stdout" | "stderr" | "system";
  text: string;
}

export interface Runtime extends Closable {
  /**
   * Level-triggered: make `revision` of the app run `count` replicas, starting or draining as
   * needed. Scale-down removes starting replicas first, then the newest ready ones.
   */
  scale(spec: AppSpec, revision: number, count: number): void;
  /** Drains and stops every replica of every revision of the app, then forgets it. */
  remove(app: string): Promise<void>;
  /** Replicas that are not yet exited, optionally of one app. */
  replicas(app?: string): ReplicaInfo[];
  /** The latest lines of an app's logs (at most the runtime's tail length), oldest first. */
  logs(app: string, opts?: { limit?: number; replica?: string }): LogLine[];
  /** Live log lines of an app; returns the unsubscribe function. */
  subscribeLogs(app: string, fn: (line: LogLine) => void): () => void;
}
