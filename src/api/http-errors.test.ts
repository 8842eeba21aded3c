import { test } from "node:test";
import assert from "node:assert/strict";
import { EbbError } from "../kit/errors.js";
import type { Logger } from "../kit/log.js";
import { errorCatalogue } from "../spec/catalogue.js";
import { errorResponse, httpStatusByCode, httpStatusFor } from "./http-errors.js";

function recordingLogger(): Logger & { records: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> } {
  const records: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log = {
    records,
    debug: (msg: string, fields?: Record<string, unknown>) => void records.push({ level: "debug", msg, fields }),
    info: (msg: string, fields?: Record<string, unknown>) => void records.push({ level: "info", msg, fields }),
    warn: (msg: string, fields?: Record<string, unknown>) => void records.push({ level: "warn", msg, fields }),
    error: (msg: string, fields?: Record<string, unknown>) => void records.push({ level: "error", msg, fields }),
    child: () => log,
  };
  return log;
}

test("every catalogue code has an HTTP status in the map", () => {
  const missing = Object.keys(errorCatalogue).filter((code) => !Object.hasOwn(httpStatusByCode, code));
  assert.deepEqual(missing, []);
  for (const [code, status] of Object.entries(httpStatusByCode)) {
    assert.ok(status >= 400 && status <= 599, `${code} maps to ${status}`);
  }
});

test("the map has no code outside the catalogue and the pending list", () => {
  const known = new Set(Object.keys(errorCatalogue));
  assert.deepEqual(Object.keys(httpStatusByCode).filter((c) => !known.has(c)), []);
});

test("the statuses users rely on", () => {
  assert.equal(httpStatusFor("APP_SPEC_INVALID"), 422);
  assert.equal(httpStatusFor("APP_NOT_FOUND"), 404);
  assert.equal(httpStatusFor("API_UNAUTHORIZED"), 401);
  assert.equal(httpStatusFor("API_BAD_REQUEST"), 400);
  assert.equal(httpStatusFor("API_BODY_TOO_LARGE"), 413);
  assert.equal(httpStatusFor("API_NOT_FOUND"), 404);
  assert.equal(httpStatusFor("NOT_A_CODE"), 500);
  assert.equal(httpStatusFor("toString"), 500);
});

test("an EbbError keeps its code, message and details", () => {
  const log = recordingLogger();
  const problems = [{ path: "scaling.replicas", value: [3, 1], rule: "max>=min", message: "max must be >= min" }];
  const res = errorResponse(new EbbError("APP_SPEC_INVALID", "1 problem", { problems }), log);
  assert.equal(res.status, 422);
  assert.deepEqual(res.body, { error: { code: "APP_SPEC_INVALID", message: "1 problem", details: { problems } } });
  assert.equal(log.records.length, 0);
});

test("an unknown error is a generic 500 with a reference, and the error is logged", () => {
  const log = recordingLogger();
  const res = errorResponse(new TypeError("secret internals at /srv/x.ts:12"), log);
  assert.equal(res.status, 500);
  assert.equal(res.body.error.code, "INTERNAL_ERROR");
  assert.doesNotMatch(res.body.error.message, /secret/);
  const ref = res.body.error.details.ref as string;
  assert.match(res.body.error.message, new RegExp(ref));
  assert.equal(log.records.length, 1);
  assert.equal(log.records[0]!.level, "error");
  assert.equal(log.records[0]!.fields?.ref, ref);
  assert.ok(log.records[0]!.fields?.err instanceof TypeError);
});
