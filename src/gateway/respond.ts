/**
 * The gateway's one response writer for answers it makes itself, and the only place that maps
 * its error codes to HTTP statuses (DESIGN §8). Bodies are JSON
 * `{ "error": { "code", "message", ...details } }` so clients can match on `code`.
 * `errorAnswer` renders the whole message for a client connection (which adds its own Date and
 * Connection lines); `writeErrorToSocket` writes it on a socket taken over by an Upgrade request.
 */
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
  GATEWAY_BAD_REQUEST: 400,
  GATEWAY_REQUEST_HEAD_TOO_LARGE: 431,
  GATEWAY_NOT_IMPLEMENTED: 501,
  GATEWAY_HTTP_VERSION_UNSUPPORTED: 505,
});

const reasons: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

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

/** A complete answer: its status, its head (ending with the empty line) and its body. */
export interface ErrorAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * The answer for `err`: status line, fields, then `extraLines` (the connection's Date and
 * Connection lines, each ending in CRLF) and the empty line; the JSON body apart, since the
 * answer to a HEAD request has none. Both are written as UTF-8.
 */
export function errorAnswer(err: EbbError, opts: AnswerOptions, extraLines: string): ErrorAnswer {
  const status = statusFor(err.code);
  const body = errorBody(err);
  let text = `HTTP/1.1 ${status} ${reasons[status] ?? ""}\r\nContent-Type: application/json; charset=utf-8\r\n`;
  text += `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n`;
  if (opts.retryAfterSec !== undefined) text += `Retry-After: ${opts.retryAfterSec}\r\n`;
  // RFC 6750 §3: a 401 for a bearer-protected resource names the scheme.
  if (err.code === "GATEWAY_AUTH_REQUIRED") text += 'WWW-Authenticate: Bearer realm="ebb"\r\n';
  return { status, head: `${text}${extraLines}\r\n`, body };
}

/** The same answer on a socket taken over by an Upgrade request; the socket is then ended. */
export function writeErrorToSocket(socket: Duplex, err: EbbError, opts: AnswerOptions = {}): number {
  const { status, head, body } = errorAnswer(err, opts, "Connection: close\r\n");
  if (socket.writable) socket.end(head + body);
  else socket.destroy();
  return status;
}

export function gatewayError(code: GatewayErrorCode, message: string, details: Record<string, unknown> = {}): EbbError {
  return new EbbError(code, message, details);
}
