import { test } from "node:test";
import assert from "node:assert/strict";
import * as ebb from "./index.js";
import { AppEnvironment, Scaling, Timeouts, isAppEnvironment, parseDuration, validateApp, type AppSpec } from "./index.js";

test("the package root offers the SDK, validation and the duration helpers, nothing else", () => {
  assert.deepEqual(Object.keys(ebb).sort(), [
    "AppEnvironment",
    "EbbError",
    "Scaling",
    "Timeouts",
    "appHost",
    "assertValidApp",
    "assertValidApps",
    "errorCatalogue",
    "formatDuration",
    "isAppEnvironment",
    "isEbbError",
    "memoryBytes",
    "parseDuration",
    "problemRules",
    "specDefaults",
    "specHash",
    "validateApp",
    "validateApps",
  ]);
});

test("an app defined as a user would, through the package root", () => {
  const hello = new AppEnvironment({
    name: "hello",
    command: ["node", "server.js"],
    scaling: new Scaling({ replicas: [0, 3], scaledownAfter: "5m", metric: Scaling.RequestRate(50) }),
    timeouts: new Timeouts({ request: "10m" }),
  });
  assert.ok(isAppEnvironment(hello));
  const result = validateApp(hello, { defaultWorkdir: "/srv/hello" });
  assert.ok(result.ok);
  const spec: AppSpec = result.spec;
  assert.deepEqual([spec.scaling.scaledownAfter, spec.scaling.metric, spec.timeouts.request], [300, { requestRate: 50 }, 600]);
  assert.equal(parseDuration("1h30m"), 5400);
});
