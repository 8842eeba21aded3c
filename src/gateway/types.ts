/**
 * The gateway's surface toward the control plane. The control plane tells it which apps exist
 * (routes), whether each can serve (availability) and which endpoints are ready; the gateway
 * tells the control plane when a request needs an app woken, and lends its traffic counters to
 * the autoscaler through `collect` (autoscaler/types.ts StatsSource).
 */
import type { ErrorCode } from "../spec/catalogue.js";

export interface RouteSettings {
  app: string;
  /** Lower-case host names without port: `<app>.localhost` plus custom domains. */
  hosts: string[];
  requiresAuth: boolean;
  /** Whole-request budget, including time spent waiting for a replica. */
  requestTimeoutMs: number;
  /** Hard cap of in-flight requests per endpoint; null for none. */
  concurrencyLimit: number | null;
  /** Requests that may wait for a replica at once; past it, 503 + Retry-After. */
  wakeQueueLimit: number;
}

export type Availability =
  | { kind: "serving" }
  | { kind: "stopped" }
  /** The app cannot start: waiting and new requests get 503 naming the cause. */
  | { kind: "unavailable"; code: ErrorCode; message: string; retryAfterSec: number };

export interface GatewayEndpoint {
  /** The replica id. */
  id: string;
  host: string;
  port: number;
  revision: number;
}

export interface RouteControl {
  upsertApp(settings: RouteSettings): void;
  /** Forgets the app; its waiting requests get 404. */
  removeApp(app: string): void;
  setAvailability(app: string, availability: Availability): void;
  /** A ready replica: route to it and release waiting requests. */
  addEndpoint(app: string, endpoint: GatewayEndpoint): void;
  /** Stop routing to it at once (the replica died). */
  removeEndpoint(app: string, id: string): void;
  /** Stop routing new requests to it; resolves when its in-flight requests finish or timeoutMs passes. */
  drainEndpoint(app: string, id: string, timeoutMs: number): Promise<void>;
}

export interface GatewayHooks {
  /** A request arrived for an app with no ready endpoint; called once per wait episode. */
  onWake(app: string): void;
  /** A request that waited for a replica got its first response byte. */
  onWakeServed(app: string, info: { arrivedAt: number; waitedMs: number; firstByteMs: number; endpointId: string }): void;
}
