import { test } from "node:test";
import assert from "node:assert/strict";
import { camelCase, editDistance, suggestKey } from "./suggest.js";

const scalingKeys = ["replicas", "scaledownAfter", "metric", "concurrencyLimit"];
const appKeys = ["name", "command", "workdir", "env", "scaling", "timeouts", "readiness", "requiresAuth", "resources", "domains"];

test("snake_case and kebab-case fold to camelCase", () => {
  assert.equal(camelCase("scaledown_after"), "scaledownAfter");
  assert.equal(camelCase("requires-auth"), "requiresAuth");
  assert.equal(camelCase("concurrency__limit_"), "concurrencyLimit");
  assert.equal(camelCase("replicas"), "replicas");
});

test("edit distance, capped", () => {
  assert.equal(editDistance("replica", "replicas"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("same", "same"), 0);
  assert.equal(editDistance("nmae", "name"), 1);
  assert.equal(editDistance("a", "abcdef", 2), 3);
  assert.equal(editDistance("abcdef", "uvwxyz", 2), 3);
});

test("suggestions: case and separators first, then the nearest key", () => {
  const cases: [string, readonly string[], string | undefined][] = [
    ["scaledown_after", scalingKeys, "scaledownAfter"],
    ["ScaledownAfter", scalingKeys, "scaledownAfter"],
    ["concurrency_limit", scalingKeys, "concurrencyLimit"],
    ["replica", scalingKeys, "replicas"],
    ["metrics", scalingKeys, "metric"],
    ["scaledownafter", scalingKeys, "scaledownAfter"],
    ["requires_auth", appKeys, "requiresAuth"],
    ["timeout", appKeys, "timeouts"],
    ["domain", appKeys, "domains"],
    ["comand", appKeys, "command"],
    ["nmae", appKeys, "name"],
    ["image", appKeys, undefined],
    ["env_vars", appKeys, undefined],
    ["x", appKeys, undefined],
  ];
  for (const [key, known, want] of cases) assert.equal(suggestKey(key, known), want, `suggestKey(${key})`);
});
