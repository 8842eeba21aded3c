import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { silentLogger } from "../kit/log.js";
import { createAdmission } from "./admission.js";
import { AppRoute } from "./app-route.js";
import { readRequestHead } from "./forward-headers.js";
import { RouteTable } from "./route-table.js";
import { route } from "./test-servers.js";

const deps = {
  clock: new ManualClock(),
  hooks: { onWake() {}, onWakeServed() {} },
  log: silentLogger,
  pool: { connectTimeoutMs: 1000, idleTimeoutMs: 1000 },
  defaultWakeQueueLimit: 10,
  retryAfterSec: 4,
  touched() {},
};

function setup() {
  const table = new RouteTable();
  for (const settings of [route("locked", { requiresAuth: true }), route("open")]) {
    const r = new AppRoute(settings, deps);
    table.set(r, settings.hosts);
  }
  const admit = createAdmission(table, "s3cret", 4);
  const verdict = (host: string, authorization?: string, closing = false) =>
    admit(readRequestHead(authorization === undefined ? ["Host", host] : ["Host", host, "Authorization", authorization]), closing);
  return { table, verdict };
}

test("a bearer token is accepted whatever the scheme's case, and refused when wrong in content or length", () => {
  const { verdict } = setup();
  for (const ok of ["Bearer s3cret", "bearer s3cret", "BEARER s3cret", "Bearer  s3cret "]) assert.equal(verdict("locked.localhost", ok).refusal, null, ok);
  for (const bad of [undefined, "", "Bearer", "Bearer ", "Bearer s3cre", "Bearer s3cretx", "Bearer S3CRET", "Basic s3cret", "s3cret"]) {
    assert.equal(verdict("locked.localhost", bad).refusal?.err.code, "GATEWAY_AUTH_REQUIRED", String(bad));
  }
  assert.match(verdict("locked.localhost").refusal!.err.message, /no Authorization header/);
  assert.match(verdict("locked.localhost", "Bearer nope").refusal!.err.message, /not valid/);
  assert.equal(verdict("open.localhost").refusal, null);
});

test("checks run in order: shutting down, unknown host, auth, then availability", () => {
  const { table, verdict } = setup();
  const closing = verdict("nope.localhost", undefined, true);
  assert.equal(closing.refusal?.err.code, "GATEWAY_SHUTTING_DOWN");
  assert.deepEqual(closing.refusal?.opts, { retryAfterSec: 4, close: true });
  const unknown = verdict("nope.localhost");
  assert.equal(unknown.route, null);
  assert.equal(unknown.refusal?.err.code, "GATEWAY_UNKNOWN_HOST");
  assert.deepEqual(unknown.refusal?.err.details, { host: "nope.localhost" });

  table.get("locked")!.setAvailability({ kind: "stopped" });
  assert.equal(verdict("locked.localhost").refusal?.err.code, "GATEWAY_AUTH_REQUIRED", "no token: the app's state stays hidden");
  const stopped = verdict("locked.localhost", "Bearer s3cret");
  assert.equal(stopped.refusal?.err.code, "GATEWAY_APP_STOPPED");
  assert.deepEqual(stopped.refusal?.opts, { retryAfterSec: 4 });

  table.get("open")!.setAvailability({ kind: "unavailable", code: "RUNTIME_OOM_KILLED", message: "replica went over 256Mi", retryAfterSec: 9 });
  const down = verdict("open.localhost");
  assert.equal(down.route?.name, "open");
  assert.equal(down.refusal?.err.code, "GATEWAY_APP_UNAVAILABLE");
  assert.match(down.refusal!.err.message, /went over 256Mi/);
  assert.deepEqual(down.refusal?.opts, { retryAfterSec: 9 });
});
