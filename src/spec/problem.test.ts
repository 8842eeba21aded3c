import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { Cursor, type Problem, describeType, formatProblems, rootCursor, show, specInvalid } from "./problem.js";

test("cursor paths: dotted keys, indexes, quoted odd keys, an optional prefix", () => {
  const problems: Problem[] = [];
  const root = new Cursor(problems);
  assert.equal(root.key("scaling").key("replicas").index(1).path, "scaling.replicas[1]");
  assert.equal(root.key("env").key("MY-VAR").path, 'env["MY-VAR"]');
  assert.equal(root.index(0).key("name").path, "[0].name");
  assert.equal(rootCursor(problems, "apps[2].").key("name").path, "apps[2].name");
  assert.equal(rootCursor(problems, "apps[2]").key("name").path, "apps[2].name");
  assert.equal(rootCursor(problems).path, "");
});

test("reports through any cursor land in the shared list", () => {
  const problems: Problem[] = [];
  const root = rootCursor(problems, "apps[0]");
  root.key("a").report(1, "type", "m1");
  root.key("b").index(0).report(undefined, "required", "m2");
  assert.deepEqual(problems, [
    { path: "apps[0].a", value: 1, rule: "type", message: "m1" },
    { path: "apps[0].b[0]", value: undefined, rule: "required", message: "m2" },
  ]);
});

test("types and values as messages name them", () => {
  const types: [unknown, string][] = [
    [null, "null"],
    [undefined, "nothing"],
    [[1], "an array"],
    [{}, "an object"],
    ["x", "a string"],
    [3, "a number"],
    [Number.NaN, "NaN"],
    [true, "a boolean"],
  ];
  for (const [value, text] of types) assert.equal(describeType(value), text);
  assert.equal(show("hi"), '"hi"');
  assert.equal(show([0, 3]), "[0,3]");
  assert.equal(show(undefined), "nothing");
  assert.equal(show("x".repeat(100)).length, 60);
});

test("the error lists every problem, one a line, with its path and rule", () => {
  const problems: Problem[] = [
    { path: "scaling.replicas[1]", value: 1, rule: "maxAtLeastMin", message: "max replicas must be >= min replicas (3), got 1" },
    { path: "", value: 5, rule: "type", message: "expected an object" },
  ];
  const err = specInvalid(problems);
  assert.ok(isEbbError(err, "APP_SPEC_INVALID"));
  assert.equal(
    err.message,
    "2 problems in the app spec:\n  scaling.replicas[1]: max replicas must be >= min replicas (3), got 1 [maxAtLeastMin]\n  (spec): expected an object [type]",
  );
  assert.equal(err.details.problems, problems);
  assert.equal(formatProblems(problems.slice(0, 1)).split("\n")[0], "1 problem in the app spec:");
});
