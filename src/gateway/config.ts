/**
 * The gateway's configuration: one frozen defaults object, validated once when the gateway is
 * created, then frozen. Units are in the names. The composition root (cmd/) builds these values
 * from flags or files; nothing here reads the environment.
 */

export interface GatewayConfig {
  /** Interface the listener binds. Default "127.0.0.1" (loopback only). */
  host: string;
  /** TCP port; 0 asks the OS for a free one. Default 8080. */
  port: number;
  /** The bearer token that `requiresAuth` apps expect in `Authorization: Bearer <token>`. Required. */
  authToken: string;
  /** Wake-queue bound for a route whose `wakeQueueLimit` is not a positive integer. Default 1000. */
  defaultWakeQueueLimit: number;
  /** Time allowed to open a TCP connection to a replica before trying another. Default 5000 ms. */
  upstreamConnectTimeoutMs: number;
  /** How long an idle pooled connection to a replica is kept; below Node's 5 s server default so the replica never closes it first. Default 4000 ms. */
  upstreamIdleTimeoutMs: number;
  /** Largest request head (request line and header fields) accepted; past it, 431. Default 16384 bytes (16 KiB). */
  maxHeaderBytes: number;
  /** Most header fields in a request (and trailer fields in a chunked body); past it, 431. Default 100. */
  maxHeaderCount: number;
  /** How long an idle client keep-alive connection stays open. Default 65000 ms (above common load balancers' 60 s). */
  keepAliveTimeoutMs: number;
  /** Time a client has to send a complete request head; guards against slow-header clients. Default 60000 ms. */
  headersTimeoutMs: number;
  /** `Retry-After` on 503 answers the gateway makes itself (queue full, stopped, shutting down). Default 1 s. */
  retryAfterSec: number;
}

/** Everything but the token has a default. */
export type GatewayOptions = Partial<GatewayConfig> & { authToken: string };

export const gatewayDefaults: Readonly<Omit<GatewayConfig, "authToken">> = Object.freeze({
  host: "127.0.0.1",
  port: 8080,
  defaultWakeQueueLimit: 1000,
  upstreamConnectTimeoutMs: 5000,
  upstreamIdleTimeoutMs: 4000,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 60_000,
  retryAfterSec: 1,
});

const known = new Set<string>([...Object.keys(gatewayDefaults), "authToken"]);

/**
 * Fills defaults, rejects unknown keys and out-of-range values (listing every problem at once),
 * and freezes the result. Throws TypeError: a bad config is a wiring mistake in the caller.
 */
export function resolveGatewayConfig(options: GatewayOptions): Readonly<GatewayConfig> {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!known.has(key)) problems.push(`unknown key "${key}"`);
  }
  const cfg = { ...gatewayDefaults, ...dropUndefined(options) } as GatewayConfig;
  if (typeof cfg.authToken !== "string" || cfg.authToken.length === 0) problems.push("authToken must be a non-empty string");
  if (typeof cfg.host !== "string" || cfg.host.length === 0) problems.push("host must be a non-empty string");
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) problems.push(`port must be an integer in 0..65535, got ${cfg.port}`);
  positiveInteger(problems, "defaultWakeQueueLimit", cfg.defaultWakeQueueLimit);
  positiveInteger(problems, "upstreamConnectTimeoutMs", cfg.upstreamConnectTimeoutMs);
  positiveInteger(problems, "upstreamIdleTimeoutMs", cfg.upstreamIdleTimeoutMs);
  positiveInteger(problems, "keepAliveTimeoutMs", cfg.keepAliveTimeoutMs);
  positiveInteger(problems, "headersTimeoutMs", cfg.headersTimeoutMs);
  positiveInteger(problems, "retryAfterSec", cfg.retryAfterSec);
  positiveInteger(problems, "maxHeaderBytes", cfg.maxHeaderBytes);
  positiveInteger(problems, "maxHeaderCount", cfg.maxHeaderCount);
  if (problems.length > 0) throw new TypeError(`invalid gateway config: ${problems.join("; ")}`);
  return Object.freeze(cfg);
}

function positiveInteger(problems: string[], key: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) <= 0) problems.push(`${key} must be a positive integer, got ${String(value)}`);
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
