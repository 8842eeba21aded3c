/**
 * docs/errors.md lists exactly the codes of the catalogue, each with the status the API and the
 * gateway really answer with, so the page users read cannot drift from the code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./repo-root.js";
import { errorCatalogue, type ErrorCode } from "../src/spec/catalogue.js";
import { httpStatusByCode } from "../src/api/http-errors.js";
import { statusFor } from "../src/gateway/respond.js";

const doc = readFileSync(join(repoRoot(import.meta.url), "docs", "errors.md"), "utf8");
const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => ({ code: m[1]!, status: Number(m[2]), meaning: m[3]! }));

test("docs/errors.md lists every catalogue code once, and nothing else", () => {
  assert.deepEqual(rows.map((r) => r.code).sort(), Object.keys(errorCatalogue).sort());
});

test("each documented status is the one the API and the gateway answer with", () => {
  for (const { code, status } of rows) {
    assert.equal(status, httpStatusByCode[code as ErrorCode], `${code} in the API map`);
    if (code.startsWith("GATEWAY_")) assert.equal(status, statusFor(code), `${code} at the gateway`);
  }
});

test("each documented meaning is the catalogue's", () => {
  for (const { code, meaning } of rows) assert.equal(meaning.replace(/\\\|/g, "|"), errorCatalogue[code as ErrorCode], code);
});
