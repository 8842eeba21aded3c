import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { silentLogger } from "../kit/log.js";
import { createFakeRuntime } from "../runtime/fake.js";
import { validateApp } from "../spec/validate.js";
import type { AppSpec } from "../spec/types.js";
import { createMemoryStore } from "../store/memory.js";
import { Control } from "./control.js";
import { controlDefaults } from "./ports.js";
import { SharedSpecParts } from "./spec-parts.js";

function spec(name: string, over: Record<string, unknown> = {}): AppSpec {
  const r = validateApp({ name, command: ["node", "server.mjs", "--port", "$PORT"], workdir: "/srv/app", env: { MODE: "prod" }, ...over });
  assert.ok(r.ok);
  return r.spec;
}

test("equal parts of different apps become one copy; parts of their own stay theirs; all frozen", () => {
  const parts = new SharedSpecParts();
  assert.deepEqual(parts.share(spec("first")), spec("first"), "the same value, every field kept");
  const a = parts.share(spec("a"));
  const b = parts.share(spec("b"));
  for (const key of ["command", "env", "scaling", "timeouts", "readiness", "resources", "domains", "workdir"] as const) {
    assert.equal(a[key], b[key], `${key} is shared`);
  }
  assert.deepEqual([a.name, b.name], ["a", "b"]);
  const c = parts.share(spec("c", { env: { MODE: "dev" } }));
  assert.notEqual(c.env, a.env);
  assert.deepEqual(c.env, { MODE: "dev" });
  assert.equal(c.command, a.command);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.scaling.replicas) && Object.isFrozen(c.command));

  const fromStore = JSON.parse(JSON.stringify(spec("d"))) as AppSpec;
  const d = parts.share(fromStore);
  assert.equal(d.command, a.command, "a spec read back from the store shares too");
});

test("at most perKind values are kept per part, the least recently seen dropped first", () => {
  const parts = new SharedSpecParts(2);
  const one = parts.share(spec("one", { env: { N: "1" } }));
  parts.share(spec("two", { env: { N: "2" } }));
  assert.equal(parts.share(spec("again", { env: { N: "1" } })).env, one.env, "1 was seen again: it stays");
  parts.share(spec("three", { env: { N: "3" } }));
  assert.equal(parts.share(spec("x", { env: { N: "1" } })).env, one.env);
  const two = parts.share(spec("y", { env: { N: "2" } }));
  assert.equal(parts.share(spec("z", { env: { N: "2" } })).env, two.env, "2 had been dropped; it is held again from its next sighting");
});

test("1,000 apps deployed alike hold one command, environment and scaling between them", async () => {
  const clock = new ManualClock(0);
  const control = new Control({ store: createMemoryStore(), clock, log: silentLogger, config: { ...controlDefaults } });
  const runtime = createFakeRuntime(control.runtimeHooks, { clock });
  const ignore = () => {};
  control.attach({
    runtime,
    routes: { upsertApp: ignore, removeApp: ignore, setAvailability: ignore, addEndpoint: ignore, removeEndpoint: ignore, drainEndpoint: async () => {} },
    autoscaler: { upsert: ignore, remove: () => true, poke: ignore },
  });
  const raw = (i: number) => ({ name: `app-${i}`, command: ["perl", "-e", "x".repeat(300)], workdir: "/", scaling: { replicas: [0, 1] } });
  await control.deploy(Array.from({ length: 1000 }, (_, i) => raw(i)));
  const specs = control.listApps().map((a) => a.spec);
  assert.equal(new Set(specs.map((s) => s.command)).size, 1);
  assert.equal(new Set(specs.map((s) => s.env)).size, 1);
  assert.equal(new Set(specs.map((s) => s.scaling)).size, 1);
  assert.equal(new Set(specs.map((s) => s.name)).size, 1000);
  await runtime.close();
});
