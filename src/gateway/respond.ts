/**
 * The gateway's one response writer for answers it makes itself, and the only place that maps
 * its error codes to HTTP statuses (DESIGN §8). Bodies are JSON
 * `{ "error": { "code", "message", ...details } }` so clients can match on `code`.
 * Two targets: a ServerResponse (normal requests) and a raw socket (Upgrade requests, which Node
 * hands over before any response object exists).
 */
import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { EbbError } from "../kit/errors.js";
import type { ErrorCode } from "../spec/catalogue.js";

export type GatewayErrorCode = Extract<ErrorCode, `GATEWAY_${string}`>;

const statusByCode: Readonly<Record<GatewayErrorCode, number>> = Object.freeze({
  GATEWAY_UNKNOWN_HOST: 404,
  GATEWAY_AUTH_REQUIRED: 401,
  GATEWAY_WAKE_QUEUE_FULL: 503,
  GATEWAY_WAKE_TIMEOUT: 504,
  GATEWAY_APP_STOPPED: 503,
  GATEWAY_APP_UNAVAILABLE: 503,
  GATEWAY_UPSTREAM_FAILED: 502,
  GATEWAY_REQUEST_TIMEOUT: 504,
  GATEWAY_SHUTTING_DOWN: 503,
});

const reasons: Readonly<Record<number, string>> = { 401: "Unauthorized", 404: "Not Found", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout" };

export function isGatewayCode(code: string): code is GatewayErrorCode {
  return Object.hasOwn(statusByCode, code);
}

/** The HTTP status for an error the gateway answers; codes from other parts answer 502. */
export function statusFor(code: string): number {
  return isGatewayCode(code) ? statusByCode[code] : 502;
}

/** How an error answer is written: `retryAfterSec` adds `Retry-After` (RFC 9110 §10.2.3). */
export interface AnswerOptions {
  retryAfterSec?: number;
  /** Ask the client to close the connection (the gateway is shutting down). */
  close?: boolean;
}

export function errorBody(err: EbbError): string {
  return JSON.stringify({ error: { code: err.code, message: err.message, ...err.details } });
}

function headerPairs(err: EbbError, body: string, opts: AnswerOptions): string[] {
  const h = ["Content-Type", "application/json; charset=utf-8", "Content-Length", String(Buffer.byteLength(body)), "Cache-Control", "no-store"];
  if (opts.retryAfterSec !== undefined) h.push("Retry-After", String(opts.retryAfterSec));
  // RFC 6750 §3: a 401 for a bearer-protected resource names the scheme.
  if (err.code === "GATEWAY_AUTH_REQUIRED") h.push("WWW-Authenticate", 'Bearer realm="ebb"');
  if (opts.close) h.push("Connection", "close");
  return h;
}

/** Writes the error answer and returns its status (for the metrics). */
export function sendError(res: ServerResponse, err: EbbError, opts: AnswerOptions = {}): number {
  const status = statusFor(err.code);
  const body = errorBody(err);
  res.writeHead(status, headerPairs(err, body, opts));
  res.end(body);
  return status;
}

/** The same answer as raw HTTP/1.1 on a socket taken over by an Upgrade request; the socket is then ended. */
export function writeErrorToSocket(socket: Duplex, err: EbbError, opts: AnswerOptions = {}): number {
  const status = statusFor(err.code);
  const body = errorBody(err);
  const h = headerPairs(err, body, { ...opts, close: true });
  let head = `HTTP/1.1 ${status} ${reasons[status] ?? ""}\r\n`;
  for (let i = 0; i < h.length; i += 2) head += `${h[i]}: ${h[i + 1]}\r\n`;
  if (socket.writable) socket.end(head + "\r\n" + body);
  else socket.destroy();
  return status;
}

export function gatewayError(code: GatewayErrorCode, message: string, details: Record<string, unknown> = {}): EbbError {
  return new EbbError(code, message, details);
}
