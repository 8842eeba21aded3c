/**
 * The spec's defaults and bounds, in one place. Validation fills these in, docs/spec.md quotes
 * them, and the SDK leaves them out of the manifests it writes so that both paths share them.
 * Where Flyte has a value (replicas (0, 1), request timeout 300 s and at most 1 h, metric target
 * 100 from its IDL) ebb keeps it; scaledownAfter 300 s follows KEDA's cooldownPeriod.
 */

export const specDefaults = Object.freeze({
  /** [min, max] replicas: scale to zero, at most one replica. */
  replicas: Object.freeze([0, 1]) as readonly [number, number],
  /** Idle seconds before a scale-down. */
  scaledownAfterSec: 300,
  /** Per-replica target: 100 concurrent requests (Knative's container-concurrency-target-default). */
  metric: Object.freeze({ concurrency: 100 }),
  /** Seconds a request may take, including a wait for a cold start. */
  requestTimeoutSec: 300,
  /** Seconds a new replica may take to become ready. */
  startupTimeoutSec: 300,
  /** null: readiness is a TCP connect to $PORT. */
  readinessPath: null,
  /** The gateway asks for a bearer token unless the app opts out. */
  requiresAuth: true,
  /** CPU cores per replica. */
  cpu: 0.25,
  /** Memory per replica, as a Kubernetes quantity. */
  memory: "256Mi",
});

export const specLimits = Object.freeze({
  /** A DNS label's length limit (RFC 1035 §2.3.4). */
  nameMaxLength: 63,
  /** A host name's length limit (RFC 1035 §2.3.4). */
  hostMaxLength: 253,
  /** Upper bound of timeouts.request and timeouts.startup: one hour, as Flyte and Knative cap it. */
  timeoutMaxSec: 3600,
  minReplicasMin: 0,
  maxReplicasMin: 1,
  metricTargetMin: 1,
  concurrencyLimitMin: 1,
  scaledownAfterMinSec: 0,
});

/** Env names ebb sets in every replica, which a spec may not set. */
export const reservedEnv: readonly string[] = Object.freeze(["PORT"]);
