/**
 * Whether a request may enter, in order: the gateway shutting down, the Host matching an app,
 * the bearer token of a `requiresAuth` app, then the app's availability (stopped, or unable to
 * start). Auth comes before availability so that a client without the token learns nothing
 * about the app's state. Plain requests and Upgrade requests go through the same checks.
 *
 * The token is ebb's own (not the app's). It is compared in constant time: both sides are hashed
 * to a fixed length first, so neither the content nor the length of a wrong token shows in the
 * timing. The auth scheme name is case-insensitive (RFC 9110 §11.1).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { EbbError } from "../kit/errors.js";
import type { AppRoute, Refusal } from "./app-route.js";
import type { RequestHead } from "./forward-headers.js";
import { gatewayError } from "./respond.js";
import type { RouteTable } from "./route-table.js";

/** The route (null when the Host matched none) and, when the request may not enter, why. */
export type Verdict = { route: AppRoute; refusal: null } | { route: AppRoute | null; refusal: Refusal };

export type Admission = (head: RequestHead, closing: boolean) => Verdict;

export function createAdmission(table: RouteTable, authToken: string, retryAfterSec: number): Admission {
  const expected = digest(authToken);

  const bearerMatches = (field: string | null): boolean => {
    // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
    if (field === null || field.length < 8 || field.slice(0, 7).toLowerCase() !== "bearer ") return false;
    return timingSafeEqual(digest(field.slice(7).trim()), expected);
  };

  return (head, closing) => {
    const route = table.lookup(head.host) ?? null;
    if (closing) return { route, refusal: { err: shuttingDown(), opts: { retryAfterSec, close: true } } };
    if (route === null) {
      return { route, refusal: { err: gatewayError("GATEWAY_UNKNOWN_HOST", `No app is routed at host "${head.host}"`, { host: head.host }), opts: {} } };
    }
    if (route.settings.requiresAuth && !bearerMatches(head.authorization)) {
      const given = head.authorization === null ? "no Authorization header was sent" : "the token given is not valid";
      const message = `App "${route.name}" requires "Authorization: Bearer <token>"; ${given}`;
      return { route, refusal: { err: gatewayError("GATEWAY_AUTH_REQUIRED", message, { app: route.name }), opts: {} } };
    }
    const refusal = route.refusal();
    if (refusal === null) return { route, refusal: null };
    return { route, refusal };
  };
}

export function shuttingDown(): EbbError {
  return gatewayError("GATEWAY_SHUTTING_DOWN", "The gateway is shutting down and takes no new requests");
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
