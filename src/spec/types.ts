/**
 * The app spec after validation: every default filled in, durations in seconds. Its shape is the
 * manifest's shape (DESIGN §1), so a normalized spec printed as YAML is itself a valid manifest.
 */

export type MetricSpec = { concurrency: number } | { requestRate: number };

export interface ScalingSpec {
  /** [min, max] replicas. Default [0, 1]. */
  replicas: [number, number];
  /** Idle time in seconds before scaling down (to min, and to zero when min is 0). Default 300. */
  scaledownAfter: number;
  /** Per-replica target: concurrent requests or requests per second. Default { concurrency: 100 }. */
  metric: MetricSpec;
  /** Hard cap of in-flight requests per replica; absent means no cap. */
  concurrencyLimit?: number;
}

export interface AppSpec {
  /** DNS label: lower-case letters, digits and '-', at most 63 characters. */
  name: string;
  /** argv, run without a shell, in `workdir`. */
  command: string[];
  /** Absolute folder the command runs in; manifests default it to their own folder. */
  workdir: string;
  env: Record<string, string>;
  scaling: ScalingSpec;
  timeouts: {
    /** Seconds a request may take, including any wait for a replica to start. Default 300, at most 3600. */
    request: number;
    /** Seconds a new replica may take to become ready before it counts as failed. Default 300. */
    startup: number;
  };
  /** How readiness is probed: an HTTP GET of `path` answering 2xx/3xx, or a TCP connect when path is null. */
  readiness: { path: string | null };
  /** When true (the default) the gateway asks for `Authorization: Bearer <token>`. */
  requiresAuth: boolean;
  resources: {
    /** CPU cores, may be fractional. Default 0.25. */
    cpu: number;
    /** Memory as a Kubernetes quantity (e.g. "512Mi"). Default "256Mi". */
    memory: string;
  };
  /** Extra host names routed to this app besides `<name>.localhost`. */
  domains: string[];
}

export type MetricKind = "concurrency" | "requestRate";

export function metricKind(m: MetricSpec): MetricKind {
  return "concurrency" in m ? "concurrency" : "requestRate";
}

export function metricTarget(m: MetricSpec): number {
  return "concurrency" in m ? m.concurrency : m.requestRate;
}

// ---- Status (DESIGN §3) ----

export const deploymentStatuses = ["PENDING", "DEPLOYING", "ACTIVE", "STOPPED", "FAILED"] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

export const substates = [
  "SCALED_TO_ZERO",
  "SCALING_FROM_ZERO",
  "SCALING_UP",
  "SCALING_DOWN",
  "RUNNING",
  "INITIALIZING",
  "CRASH_LOOP",
  "OOM_KILLED",
  "INSUFFICIENT_CAPACITY",
] as const;
export type Substate = (typeof substates)[number];

export interface ReplicaCounts {
  desired: number;
  ready: number;
  starting: number;
  draining: number;
}

export interface Condition {
  /** ISO 8601 time of the transition. */
  time: string;
  status: DeploymentStatus;
  substate: Substate | null;
  message: string;
  revision: number;
}

/** Phases of one cold start, in ms from the request that woke the app (DESIGN §3). */
export interface ColdStartPhases {
  /** Process spawned (pid known). */
  spawnMs: number;
  /** Port accepting connections. */
  listeningMs: number;
  /** Readiness check passed. */
  readyMs: number;
  /** First response byte sent to the waiting request; null until it happens. */
  firstByteMs: number | null;
}

export interface ColdStart {
  /** ISO time of the request that woke the app. */
  time: string;
  revision: number;
  replica: string;
  /** Total: first byte if known, else ready. */
  totalMs: number;
  phases: ColdStartPhases;
  /** How many requests waited for this start. */
  waiting: number;
}

export interface AppStatus {
  deploymentStatus: DeploymentStatus;
  substate: Substate | null;
  message: string;
  /** Revision serving traffic (or the one being deployed when none serves yet). */
  revision: number;
  replicas: ReplicaCounts;
  lastColdStart: ColdStart | null;
  /** ISO time of the last request that finished, or null. */
  lastRequestAt: string | null;
}

/** The API's view of an app: what `ebb get APP --json` prints. */
export interface AppView {
  name: string;
  url: string;
  spec: AppSpec;
  specHash: string;
  revision: number;
  /** Desired state the user asked for. */
  desiredState: "ACTIVE" | "STOPPED";
  status: AppStatus;
  conditions: Condition[];
  createdAt: string;
  updatedAt: string;
}

/** An app's view without its conditions history: what lists and the live overview carry. */
export type AppSummary = Omit<AppView, "conditions">;

// ---- Events (DESIGN §2, §3) ----

export const eventTypes = [
  "Deployed",
  "Unchanged",
  "RolloutComplete",
  "RolloutFailed",
  "ScaledUp",
  "ScaledDown",
  "ScaledToZero",
  "ColdStart",
  "ReplicaStarted",
  "ReplicaReady",
  "ReplicaDraining",
  "ReplicaExited",
  "CrashLoop",
  "OomKilled",
  "InsufficientCapacity",
  "Stopped",
  "Started",
  "Deleted",
] as const;
export type EventType = (typeof eventTypes)[number];

export interface EbbEvent {
  /** Monotonic id assigned by the store. */
  id: number;
  app: string;
  type: EventType;
  /** ISO 8601. */
  time: string;
  revision: number | null;
  /** One line for humans, e.g. "ScaledUp 0->1: request arrived at zero". */
  message: string;
  /** The inputs and figures behind the event (for scaling: load, target, window, panic, rule). */
  data: Record<string, unknown>;
}

export type NewEvent = Omit<EbbEvent, "id">;
