import { test } from "node:test";
import assert from "node:assert/strict";
import { checkScaling, specYaml } from "./spec-text.js";

test("a spec prints in the manifest's shape, quoting only what YAML would misread", () => {
  const text = specYaml({
    name: "hello",
    command: ["node", "server.mjs", "--flag=1"],
    env: { GREETING: "hi there", EMPTY: "", FLAG: "yes", PORT_HINT: "8080", RATIO: "0.5" },
    scaling: { replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 } },
    readiness: { path: null },
    requiresAuth: false,
    resources: { cpu: 0.25, memory: "256Mi" },
    domains: [],
    skipped: undefined,
  });
  assert.equal(
    text,
    [
      "name: hello",
      'command: [node, server.mjs, "--flag=1"]',
      "env:",
      '  GREETING: "hi there"',
      '  EMPTY: ""',
      '  FLAG: "yes"',
      '  PORT_HINT: "8080"',
      '  RATIO: "0.5"',
      "scaling:",
      "  replicas: [0, 3]",
      "  scaledownAfter: 300",
      "  metric:",
      "    concurrency: 10",
      "readiness:",
      "  path: null",
      "requiresAuth: false",
      "resources:",
      "  cpu: 0.25",
      "  memory: 256Mi",
      "domains: []",
      "",
    ].join("\n"),
  );
});

test("empty maps and lists of objects keep their shape", () => {
  assert.equal(specYaml({ env: {}, items: [{ a: 1, b: "x" }] }), "env: {}\nitems:\n  - a: 1\n    b: x\n");
});

test("valid input becomes the PATCH body, with durations in seconds", () => {
  assert.deepEqual(checkScaling({ min: "0", max: "3", scaledownAfter: "5m" }), { ok: true, patch: { replicas: [0, 3], scaledownAfter: 300 } });
  assert.deepEqual(checkScaling({ min: " 2 ", max: "2", scaledownAfter: "90" }), { ok: true, patch: { replicas: [2, 2], scaledownAfter: 90 } });
  assert.deepEqual(checkScaling({ min: "1", max: "4", scaledownAfter: "1h30m" }), { ok: true, patch: { replicas: [1, 4], scaledownAfter: 5400 } });
});

test("each broken field is named with the rule it breaks", () => {
  const r = checkScaling({ min: "-1", max: "0", scaledownAfter: "soon" });
  assert.equal(r.ok, false);
  assert.deepEqual(Object.keys(r.ok ? {} : r.problems).sort(), ["max", "min", "scaledownAfter"]);
  const swapped = checkScaling({ min: "3", max: "2", scaledownAfter: "0" });
  assert.deepEqual(swapped, { ok: false, problems: { max: "max must be at least min (3)" } });
  const fraction = checkScaling({ min: "1.5", max: "2", scaledownAfter: "30s" });
  assert.deepEqual(fraction, { ok: false, problems: { min: "min must be a whole number, 0 or more" } });
});
