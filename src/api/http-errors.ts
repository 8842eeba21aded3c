/**
 * The one map from error codes to HTTP statuses for the REST API (STYLE habit 3: statuses are
 * chosen only at the edges). Every code in spec/catalogue.ts has an entry, which the type below
 * enforces and http-errors.test.ts checks at run time. Errors go out as
 * `{ "error": { "code", "message", "details" } }`; an error that is not an EbbError is a bug, so
 * users get a generic 500 with a reference and the server log gets the whole error.
 */
import { randomUUID } from "node:crypto";
import { isEbbError } from "../kit/errors.js";
import type { Logger } from "../kit/log.js";
import type { ErrorCode } from "../spec/catalogue.js";

export const httpStatusByCode: Readonly<Record<ErrorCode, number>> = Object.freeze({
  APP_SPEC_INVALID: 422,
  MANIFEST_UNREADABLE: 400,
  API_UNAUTHORIZED: 401,
  API_NOT_FOUND: 404,
  API_BAD_REQUEST: 400,
  API_BODY_TOO_LARGE: 413,
  APP_NOT_FOUND: 404,
  SERVER_UNREACHABLE: 502,
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
  AUTOSCALER_APP_LIMIT: 503,
  RUNTIME_START_FAILED: 503,
  RUNTIME_CRASH_LOOP: 503,
  RUNTIME_OOM_KILLED: 503,
  RUNTIME_STARTUP_TIMEOUT: 503,
  RUNTIME_INSUFFICIENT_CAPACITY: 503,
  ROLLOUT_FAILED: 500,
  STORE_OPEN_FAILED: 500,
  STORE_SCHEMA_TOO_NEW: 500,
  STORE_INVALID_ARGUMENT: 400,
  STORE_CLOSED: 503,
  SIM_TRACE_INVALID: 400,
  SIM_OPTIONS_INVALID: 400,
  SIM_NO_TRAFFIC: 404,
  INTERNAL_ERROR: 500,
  CONFIG_INVALID: 500,
  SERVER_LISTEN_FAILED: 500,
  API_TOO_MANY_STREAMS: 503,
  CLI_USAGE: 400,
  CLI_TOKEN_MISSING: 401,
  DEPLOY_WAIT_TIMEOUT: 504,
});

/** The HTTP status for an error code; 500 for a code the map does not know. */
export function httpStatusFor(code: string): number {
  return Object.hasOwn(httpStatusByCode, code) ? httpStatusByCode[code as ErrorCode] : 500;
}

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

/**
 * Turns anything thrown by a handler into the response users see. EbbErrors keep their code,
 * message and details; anything else is logged with a reference that the generic message names.
 */
export function errorResponse(err: unknown, log: Logger): ErrorResponse {
  if (isEbbError(err)) {
    const status = httpStatusFor(err.code);
    if (status >= 500) log.warn("api call failed", { code: err.code, message: err.message });
    return { status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  const ref = randomUUID().slice(0, 8);
  log.error("api handler failed", { ref, err });
  return {
    status: 500,
    body: {
      error: {
        code: "INTERNAL_ERROR",
        message: `internal error in the ebb server (reference ${ref}; the server log has the details)`,
        details: { ref },
      },
    },
  };
}
