import { test } from "node:test";
import assert from "node:assert/strict";
import { nameIs } from "./field-name.js";

test("nameIs matches field names ignoring ASCII case only", () => {
  assert.equal(nameIs("Content-Length", "content-length"), true);
  assert.equal(nameIs("CONTENT-LENGTH", "content-length"), true);
  assert.equal(nameIs("content-length", "content-length"), true);
  assert.equal(nameIs("Content-Lengt", "content-length"), false);
  assert.equal(nameIs("Content_Length", "content-length"), false, "'_' | 0x20 is DEL, not '-'");
  assert.equal(nameIs("Content-Lengthx", "content-length"), false);
  assert.equal(nameIs("Dat\u00c5", "date"), false, "non-ASCII letters do not fold");
  assert.equal(nameIs("100-Continue", "100-continue"), true);
  assert.equal(nameIs("\t00-continue", "100-continue"), false);
  assert.equal(nameIs("", ""), true);
});
