/**
 * The narrow views the control plane holds of the parts it coordinates. Concrete objects are
 * wired in cmd/; the control plane imports only their types.
 */
import type { RouteControl } from "../gateway/types.js";
import type { Runtime } from "../runtime/types.js";
import type { ScalingSpec } from "../spec/types.js";

export interface AutoscalerPort {
  /** Registers or updates an app; `currentDesired` seeds the replica count it starts from. */
  upsert(app: string, scaling: ScalingSpec, opts?: { currentDesired?: number }): void;
  remove(app: string): void;
  /** A request arrived at zero: decide now instead of at the next tick. */
  poke(app: string): void;
}

export interface ControlPorts {
  runtime: Runtime;
  routes: RouteControl;
  autoscaler: AutoscalerPort;
}

export interface ControlConfig {
  /** The URL users reach an app at, e.g. "http://hello.localhost:8080". */
  appUrl(app: string): string;
  /** Host suffix for routing, e.g. "localhost" gives "<app>.localhost". */
  routeHostSuffix: string;
  /** Requests that may wait for one app to start. */
  wakeQueueLimit: number;
  /** Conditions kept in an app's view. */
  conditionsInView: number;
}

export const controlDefaults: Readonly<ControlConfig> = Object.freeze({
  appUrl: (app: string) => `http://${app}.localhost:8080`,
  routeHostSuffix: "localhost",
  wakeQueueLimit: 1000,
  conditionsInView: 20,
});
