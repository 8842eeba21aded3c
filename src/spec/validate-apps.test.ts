import { test } from "node:test";
import assert from "node:assert/strict";
import { EbbError, isEbbError } from "../kit/errors.js";
import type { Problem } from "./problem.js";
import { assertValidApp, assertValidApps, validateApps } from "./validate-apps.js";

const app = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: ["node", "server.js"], ...extra });
const opts = { defaultWorkdir: "/srv" };

function problemsOf(raws: unknown[], o: { defaultWorkdir?: string; path?: string } = opts): [string, unknown, string][] {
  const result = validateApps(raws, o);
  return result.ok ? [] : result.problems.map((p) => [p.path, p.value, p.rule]);
}

test("valid apps come back normalized, in order", () => {
  const result = validateApps([app("a"), app("b", { scaling: { replicas: 2 } })], opts);
  assert.ok(result.ok);
  assert.deepEqual(
    result.specs.map((s) => [s.name, s.scaling.replicas]),
    [
      ["a", [0, 1]],
      ["b", [2, 2]],
    ],
  );
});

test("two apps with one name: the second is the problem", () => {
  assert.deepEqual(problemsOf([app("a"), app("b"), app("a")]), [["apps[2].name", "a", "duplicate"]]);
});

test("a duplicate name is found even when that app has other problems", () => {
  assert.deepEqual(problemsOf([app("a"), app("a", { requiresAuth: 1 })]), [
    ["apps[1].requiresAuth", 1, "type"],
    ["apps[1].name", "a", "duplicate"],
  ]);
});

test("one host routed to two apps", () => {
  assert.deepEqual(problemsOf([app("a", { domains: ["x.test"] }), app("b", { domains: ["x.test", "a.localhost"] })]), [
    ["apps[1].domains[0]", "x.test", "duplicate"],
    ["apps[1].domains[1]", "a.localhost", "duplicate"],
  ]);
  assert.deepEqual(problemsOf([app("a", { domains: ["b.localhost"] }), app("b")]), [["apps[1].name", "b", "duplicate"]]);
});

test("problems of every app are reported together, under the chosen list name", () => {
  const raws = [app("ok"), app("x", { scaling: { replicas: [2, 1] } }), { command: [] }];
  assert.deepEqual(problemsOf(raws, { defaultWorkdir: "/srv", path: "manifests" }), [
    ["manifests[1].scaling.replicas[1]", 1, "maxAtLeastMin"],
    ["manifests[2].name", undefined, "required"],
    ["manifests[2].command", [], "nonEmpty"],
  ]);
});

test("a list that is not an array is one problem", () => {
  assert.deepEqual(problemsOf({ name: "a" } as unknown as unknown[]), [["apps", { name: "a" }, "type"]]);
});

test("assertValidApps throws APP_SPEC_INVALID listing every problem, one a line", () => {
  const raws = [app("a", { scaling: { replicas: [3, 1], scaledown_after: 60 } }), app("a")];
  let caught: unknown;
  try {
    assertValidApps(raws, opts);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof EbbError && isEbbError(caught, "APP_SPEC_INVALID"));
  assert.equal(
    caught.message,
    [
      "3 problems in the app spec:",
      '  apps[0].scaling.scaledown_after: unknown key "scaledown_after"; did you mean "scaledownAfter"? [unknownKey]',
      "  apps[0].scaling.replicas[1]: max replicas must be >= min replicas (3), got 1 [maxAtLeastMin]",
      '  apps[1].name: name "a" is already used by apps[0] [duplicate]',
    ].join("\n"),
  );
  const problems = caught.details.problems as Problem[];
  assert.deepEqual(
    problems.map((p) => p.path),
    ["apps[0].scaling.scaledown_after", "apps[0].scaling.replicas[1]", "apps[1].name"],
  );
});

test("assertValidApps and assertValidApp return the normalized specs when valid", () => {
  assert.deepEqual(
    assertValidApps([app("a")], opts).map((s) => s.workdir),
    ["/srv"],
  );
  assert.equal(assertValidApp(app("b", { timeouts: { request: "10m" } }), opts).timeouts.request, 600);
  assert.throws(
    () => assertValidApp(app("B"), opts),
    (err: unknown) => isEbbError(err, "APP_SPEC_INVALID") && err.message === `1 problem in the app spec:\n  name: ${(err.details.problems as Problem[])[0]!.message} [dnsLabel]`,
  );
});
