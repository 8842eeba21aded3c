import { test } from "node:test";
import assert from "node:assert/strict";
import { AppEnvironment, Scaling, Timeouts, isAppEnvironment } from "./sdk.js";
import type { AppSpec } from "./types.js";
import { validateApp } from "./validate.js";

function normalized(env: AppEnvironment): AppSpec {
  const result = validateApp(env.toManifest(), { defaultWorkdir: "/srv/hello" });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.spec;
}

const hello = new AppEnvironment({
  name: "hello",
  command: ["node", "server.js"],
  env: { GREETING: "hi" },
  scaling: new Scaling({ replicas: [0, 3], scaledownAfter: "5m", metric: Scaling.Concurrency(10) }),
  timeouts: new Timeouts({ request: 600 }),
  readiness: { path: "/healthz" },
  requiresAuth: false,
});

test("toManifest is the YAML manifest's shape, with only what was written", () => {
  assert.deepEqual(hello.toManifest(), {
    name: "hello",
    command: ["node", "server.js"],
    env: { GREETING: "hi" },
    scaling: { replicas: [0, 3], scaledownAfter: "5m", metric: { concurrency: 10 } },
    timeouts: { request: 600 },
    readiness: { path: "/healthz" },
    requiresAuth: false,
  });
});

test("the SDK example validates to the normalized spec, defaults filled in", () => {
  assert.deepEqual(normalized(hello), {
    name: "hello",
    command: ["node", "server.js"],
    workdir: "/srv/hello",
    env: { GREETING: "hi" },
    scaling: { replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 } },
    timeouts: { request: 600, startup: 300 },
    readiness: { path: "/healthz" },
    requiresAuth: false,
    resources: { cpu: 0.25, memory: "256Mi" },
    domains: [],
  } satisfies AppSpec);
});

test("a replica count, a request-rate metric and the remaining options", () => {
  const spec = normalized(
    new AppEnvironment({
      name: "api",
      command: ["./api"],
      workdir: "bin",
      scaling: new Scaling({ replicas: 2, metric: Scaling.RequestRate(50), concurrencyLimit: 20 }),
      timeouts: new Timeouts({ startup: "30s" }),
      resources: { cpu: "500m", memory: "1Gi" },
      domains: ["api.example.test"],
    }),
  );
  assert.deepEqual(spec.scaling, { replicas: [2, 2], scaledownAfter: 300, metric: { requestRate: 50 }, concurrencyLimit: 20 });
  assert.deepEqual([spec.workdir, spec.timeouts, spec.resources, spec.domains], [
    "/srv/hello/bin",
    { request: 300, startup: 30 },
    { cpu: 0.5, memory: "1Gi" },
    ["api.example.test"],
  ]);
});

test("plain objects work where Scaling and Timeouts do", () => {
  const plain = new AppEnvironment({
    name: "hello",
    command: ["node", "server.js"],
    env: { GREETING: "hi" },
    scaling: { replicas: [0, 3], scaledownAfter: "5m", metric: { concurrency: 10 } },
    timeouts: { request: 600 },
    readiness: { path: "/healthz" },
    requiresAuth: false,
  });
  assert.deepEqual(plain.toManifest(), hello.toManifest());
});

test("what the types cannot stop (plain JavaScript) still reaches validation", () => {
  const env = new AppEnvironment({
    name: "hello",
    command: "node server.js",
    env_vars: { A: "1" },
    scaling: new Scaling({ scaledown_after: 60 } as never),
  } as never);
  const result = validateApp(env, { defaultWorkdir: "/srv" });
  assert.deepEqual(result.ok ? [] : result.problems.map((p) => [p.path, p.rule]), [
    ["env_vars", "unknownKey"],
    ["command", "type"],
    ["scaling.scaledown_after", "unknownKey"],
  ]);
});

test("each manifest is a fresh copy", () => {
  const first = hello.toManifest();
  (first.env as Record<string, string>).GREETING = "changed";
  (first.command as string[]).push("--flag");
  assert.deepEqual([hello.toManifest().env, hello.toManifest().command], [{ GREETING: "hi" }, ["node", "server.js"]]);
});

test("isAppEnvironment recognises environments from another copy of the SDK", async () => {
  const suffix = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const other = (await import(new URL(`./sdk.${suffix}?copy=2`, import.meta.url).href)) as typeof import("./sdk.js");
  assert.notEqual(other.AppEnvironment, AppEnvironment);
  const foreign = new other.AppEnvironment({ name: "x", command: ["y"] });
  assert.equal(foreign instanceof AppEnvironment, false);
  assert.equal(isAppEnvironment(foreign), true);
  assert.equal(other.isAppEnvironment(hello), true);
  assert.equal(validateApp(foreign, { defaultWorkdir: "/srv" }).ok, true);
});

test("isAppEnvironment rejects look-alikes", () => {
  for (const value of [null, undefined, "hello", { name: "x", toManifest: () => ({}) }, hello.toManifest(), new Scaling()]) {
    assert.equal(isAppEnvironment(value), false);
  }
});
