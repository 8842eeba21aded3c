/**
 * The gateway's public surface: the request path (routing by Host, wake queue, balancing,
 * streaming proxy) and its traffic counters. See docs/gateway.md for what users see.
 */
export { createGateway, type Gateway, type GatewayDeps } from "./gateway.js";
export { gatewayDefaults, resolveGatewayConfig, type GatewayConfig, type GatewayOptions } from "./config.js";
export { durationBucketsSec, type AppRequestMetrics, type DurationHistogram, type RequestMetricsSnapshot } from "./request-metrics.js";
export { statusFor } from "./respond.js";
export type { TrafficSample } from "../spec/traffic.js";
export type { Availability, GatewayEndpoint, GatewayHooks, RouteControl, RouteSettings } from "./types.js";
