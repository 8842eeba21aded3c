import { test } from "node:test";
import assert from "node:assert/strict";
import { appHost, isDnsLabel, isHostName, specHash } from "./identity.js";
import type { AppSpec } from "./types.js";
import { validateApp } from "./validate.js";

function spec(raw: Record<string, unknown>): AppSpec {
  const result = validateApp({ name: "hello", command: ["node", "server.js"], ...raw }, { defaultWorkdir: "/srv" });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.spec;
}

test("an app's host is <name>.localhost", () => {
  assert.equal(appHost("hello"), "hello.localhost");
  assert.equal(appHost("api-v2"), "api-v2.localhost");
});

test("DNS labels and host names", () => {
  for (const ok of ["a", "hello", "api-v2", "0day", "a".repeat(63)]) assert.ok(isDnsLabel(ok), ok);
  for (const bad of ["", "-a", "a-", "A", "a_b", "a.b", "a".repeat(64), "é"]) assert.ok(!isDnsLabel(bad), bad);
  for (const ok of ["localhost", "api.example.test", "a.b.c.d", `${"a".repeat(63)}.test`]) assert.ok(isHostName(ok), ok);
  const long = Array.from({ length: 5 }, () => "a".repeat(60)).join(".");
  for (const bad of ["", ".a", "a.", "a..b", "API.test", "*.example.test", "a b.test", long]) assert.ok(!isHostName(bad), bad);
});

test("specHash is 16 hex digits and ignores key order", () => {
  const a = spec({ env: { A: "1", B: "2" } });
  const b = spec({ env: { B: "2", A: "1" } });
  assert.match(specHash(a), /^[0-9a-f]{16}$/);
  assert.equal(specHash(a), specHash(b));
});

test("manifests that mean the same spec hash the same", () => {
  const written = spec({ scaling: { replicas: 2, scaledownAfter: "5m" }, resources: { memory: "0.5Gi", cpu: "250m" } });
  const plain = spec({ scaling: { replicas: [2, 2], scaledownAfter: 300 }, resources: { memory: 536870912 } });
  assert.equal(specHash(written), specHash(plain));
});

test("any change of value changes the hash", () => {
  const base = specHash(spec({}));
  const changed = [
    spec({ command: ["node", "other.js"] }),
    spec({ env: { A: "1" } }),
    spec({ scaling: { replicas: [0, 2] } }),
    spec({ scaling: { concurrencyLimit: 5 } }),
    spec({ timeouts: { startup: 60 } }),
    spec({ requiresAuth: false }),
    spec({ domains: ["a.test"] }),
  ].map(specHash);
  assert.equal(new Set([base, ...changed]).size, changed.length + 1);
});
