import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { isEbbError } from "../kit/errors.js";
import { silentLogger } from "../kit/log.js";
import { createMemoryStore } from "../store/memory.js";
import { createFakeRuntime, type FakeRuntime } from "../runtime/fake.js";
import type { Availability, GatewayEndpoint, RouteControl, RouteSettings } from "../gateway/types.js";
import type { ScaleDecision } from "../autoscaler/types.js";
import type { ScalingSpec } from "../spec/types.js";
import type { Store } from "../store/types.js";
import { Control } from "./control.js";
import { controlDefaults, type AutoscalerPort } from "./ports.js";

class RecordingRoutes implements RouteControl {
  settings = new Map<string, RouteSettings>();
  availability = new Map<string, Availability>();
  endpoints = new Map<string, Map<string, GatewayEndpoint>>();
  drained: string[] = [];
  upsertApp(s: RouteSettings) {
    this.settings.set(s.app, s);
  }
  removeApp(app: string) {
    this.settings.delete(app);
    this.endpoints.delete(app);
  }
  setAvailability(app: string, a: Availability) {
    this.availability.set(app, a);
  }
  addEndpoint(app: string, ep: GatewayEndpoint) {
    if (!this.endpoints.has(app)) this.endpoints.set(app, new Map());
    this.endpoints.get(app)!.set(ep.id, ep);
  }
  removeEndpoint(app: string, id: string) {
    this.endpoints.get(app)?.delete(id);
  }
  async drainEndpoint(app: string, id: string) {
    this.drained.push(id);
    this.removeEndpoint(app, id);
  }
  ids(app: string): string[] {
    return [...(this.endpoints.get(app)?.keys() ?? [])];
  }
}

class RecordingAutoscaler implements AutoscalerPort {
  apps = new Map<string, { scaling: ScalingSpec; currentDesired?: number }>();
  pokes: string[] = [];
  upsert(app: string, scaling: ScalingSpec, opts: { currentDesired?: number } = {}) {
    this.apps.set(app, { scaling, ...opts });
  }
  remove(app: string) {
    this.apps.delete(app);
  }
  poke(app: string) {
    this.pokes.push(app);
  }
}

function setup(store: Store = createMemoryStore()) {
  const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
  const control = new Control({ store, clock, log: silentLogger, config: { ...controlDefaults } });
  const runtime: FakeRuntime = createFakeRuntime(control.runtimeHooks, { clock });
  const routes = new RecordingRoutes();
  const autoscaler = new RecordingAutoscaler();
  control.attach({ runtime, routes, autoscaler });
  const types = (app?: string) => control.events(app ? { app, limit: 1000 } : { limit: 1000 }).map((e) => e.type);
  const live = (app: string, revision?: number) =>
    runtime.replicas(app).filter((r) => revision === undefined || r.revision === revision);
  const decide = (app: string, desired: number, rule: ScaleDecision["rule"] = "stable") =>
    control.scaleTarget.setDesired({
      app,
      at: clock.now(),
      previous: -1,
      desired,
      rule,
      inputs: {
        metric: "concurrency", target: 70, stableLoad: 0, panicLoad: 0, stableWindowSec: 60, panicWindowSec: 6,
        panicking: false, readyReplicas: 0, idleSec: 300, scaledownAfterSec: 300, min: 0, max: 3, kpaDesired: 0,
      },
    });
  return { clock, control, runtime, routes, autoscaler, store, types, live, decide };
}

const hello = (over: Record<string, unknown> = {}) => ({
  name: "hello",
  command: ["node", "server.mjs"],
  workdir: "/srv/hello",
  requiresAuth: false,
  scaling: { replicas: [0, 3], scaledownAfter: 300 },
  ...over,
});

test("a new app starts one replica to prove it can become ready, then serves", async () => {
  const t = setup();
  const [result] = await t.control.deploy([hello()]);
  assert.deepEqual(result, { name: "hello", revision: 1, outcome: "created", url: "http://hello.localhost:8080" });
  assert.equal(t.control.getApp("hello").status.deploymentStatus, "DEPLOYING");
  assert.equal(t.control.getApp("hello").status.substate, "INITIALIZING");
  assert.equal(t.routes.settings.get("hello")?.hosts[0], "hello.localhost");
  assert.equal(t.autoscaler.apps.get("hello")?.currentDesired, 1);
  const [replica] = t.live("hello");
  assert.ok(replica);
  t.runtime.markReady(replica.id, { spawnMs: 3, listeningMs: 40, readyMs: 45 });
  const view = t.control.getApp("hello");
  assert.equal(view.status.deploymentStatus, "ACTIVE");
  assert.equal(view.status.substate, "RUNNING");
  assert.deepEqual(view.status.replicas, { desired: 1, ready: 1, starting: 0, draining: 0 });
  assert.deepEqual(t.routes.ids("hello"), [replica.id]);
  assert.deepEqual(t.types("hello"), ["Deployed", "ReplicaStarted", "ReplicaReady", "RolloutComplete"]);
  assert.deepEqual(view.conditions.map((c) => [c.status, c.substate]), [["DEPLOYING", "INITIALIZING"], ["ACTIVE", "RUNNING"]]);
});

test("an invalid deploy lists every problem and changes nothing", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  const before = t.control.getApp("hello").specHash;
  await assert.rejects(
    t.control.deploy([hello({ env: { A: "changed" } }), { name: "Bad_Name", command: [], scaling: { replicas: [3, 1] } }]),
    (err: unknown) => {
      assert.ok(isEbbError(err, "APP_SPEC_INVALID"));
      const paths = (err.details.problems as Array<{ path: string }>).map((p) => p.path);
      assert.ok(paths.some((p) => p.endsWith("name")), paths.join());
      assert.ok(paths.some((p) => p.endsWith("command")), paths.join());
      assert.ok(paths.some((p) => p.includes("replicas")), paths.join());
      return true;
    },
  );
  assert.equal(t.control.getApp("hello").specHash, before);
  assert.deepEqual(t.control.listApps().map((a) => a.name), ["hello"]);
});

test("redeploying the same spec changes nothing; a scaling change applies in place", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  t.runtime.markReady(t.live("hello")[0]!.id);
  assert.equal((await t.control.deploy([hello()]))[0]!.outcome, "unchanged");
  const [r] = await t.control.deploy([hello({ scaling: { replicas: [1, 5], scaledownAfter: 60 } })]);
  assert.equal(r!.outcome, "reconfigured");
  assert.equal(r!.revision, 1);
  assert.equal(t.live("hello").length, 1, "no new replica for a scaling change");
  assert.deepEqual(t.autoscaler.apps.get("hello")?.scaling.replicas, [1, 5]);
  const patched = await t.control.updateScaling("hello", { replicas: [0, 2] });
  assert.equal(patched.outcome, "reconfigured");
  assert.deepEqual(t.control.getApp("hello").spec.scaling.replicas, [0, 2]);
});

test("a changed command rolls out: the new revision becomes ready before the old one drains", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  const old = t.live("hello")[0]!;
  t.runtime.markReady(old.id);
  const [r] = await t.control.deploy([hello({ env: { V: "2" } })]);
  assert.deepEqual([r!.outcome, r!.revision], ["updated", 2]);
  assert.equal(t.live("hello", 1)[0]?.state, "ready", "the old revision serves during the rollout");
  assert.equal(t.control.getApp("hello").status.deploymentStatus, "DEPLOYING");
  const fresh = t.live("hello", 2)[0]!;
  t.runtime.markReady(fresh.id);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(t.routes.drained, [old.id]);
  assert.deepEqual(t.routes.ids("hello"), [fresh.id]);
  assert.deepEqual(t.live("hello").map((x) => x.revision), [2]);
  assert.equal(t.control.getApp("hello").status.deploymentStatus, "ACTIVE");
  assert.ok(t.types("hello").includes("RolloutComplete"));
});

test("a revision that cannot become ready leaves the old one serving", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  const old = t.live("hello")[0]!;
  t.runtime.markReady(old.id);
  await t.control.deploy([hello({ command: ["node", "broken.mjs"] })]);
  for (let i = 0; i < 3; i++) {
    t.runtime.crash(t.live("hello", 2)[0]!.id, 1);
    t.clock.advance(60_000);
  }
  const view = t.control.getApp("hello");
  assert.deepEqual(view.spec.command, ["node", "server.mjs"], "the stored spec is the serving one again");
  assert.equal(view.revision, 1);
  assert.equal(view.status.deploymentStatus, "ACTIVE");
  assert.deepEqual(t.live("hello").map((x) => [x.revision, x.state]), [[1, "ready"]]);
  assert.deepEqual(t.routes.ids("hello"), [old.id]);
  assert.ok(t.types("hello").includes("RolloutFailed"));
  assert.equal(t.store.getApp("hello")?.revision, 1);
});

test("a new app that crash-loops fails with the cause, and its requests get 503 at once", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  for (let i = 0; i < 3; i++) {
    t.runtime.crash(t.live("hello")[0]!.id, 1);
    t.clock.advance(60_000);
  }
  const view = t.control.getApp("hello");
  assert.equal(view.status.deploymentStatus, "FAILED");
  assert.equal(view.status.substate, "CRASH_LOOP");
  const a = t.routes.availability.get("hello");
  assert.equal(a?.kind, "unavailable");
  assert.equal(a?.kind === "unavailable" && a.code, "RUNTIME_CRASH_LOOP");
  assert.equal(t.live("hello").length, 0, "no more restarts once it failed");
  assert.deepEqual(t.types("hello").filter((x) => x === "CrashLoop" || x === "RolloutFailed"), ["CrashLoop", "RolloutFailed"]);
});

test("a wake from zero starts a replica and records the cold start with its phases", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  t.runtime.markReady(t.live("hello")[0]!.id);
  t.decide("hello", 0, "idle");
  await new Promise((r) => setImmediate(r));
  assert.equal(t.live("hello").length, 0);
  assert.equal(t.control.getApp("hello").status.substate, "SCALED_TO_ZERO");
  assert.equal(t.control.getApp("hello").conditions.at(-1)?.substate, "SCALED_TO_ZERO", "the history records it too");

  const arrivedAt = t.clock.now();
  t.control.gatewayHooks.onWake("hello");
  assert.deepEqual(t.autoscaler.pokes, ["hello"]);
  t.decide("hello", 1, "wake");
  assert.equal(t.control.getApp("hello").status.substate, "SCALING_FROM_ZERO");
  const replica = t.live("hello")[0]!;
  t.clock.advance(300);
  t.runtime.markReady(replica.id, { spawnMs: 4, listeningMs: 250, readyMs: 260 });
  t.control.gatewayHooks.onWakeServed("hello", { arrivedAt, waitedMs: 300, firstByteMs: 320, endpointId: replica.id });
  const cold = t.control.getApp("hello").status.lastColdStart;
  assert.deepEqual(cold?.phases, { spawnMs: 4, listeningMs: 250, readyMs: 260, firstByteMs: 320 });
  assert.equal(cold?.totalMs, 320);
  const event = t.control.events({ app: "hello" }).find((e) => e.type === "ColdStart");
  assert.equal(event?.message, "ColdStart 320 ms (spawn 4 ms, listening 250 ms, ready 260 ms, first byte 320 ms)");
  const up = t.control.events({ app: "hello" }).filter((e) => e.type === "ScaledUp").at(-1);
  assert.equal(up?.message, "ScaledUp 0->1: a request arrived while at zero");
});

test("a crash loop of the serving revision answers waiting requests, and clears at zero", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  const id = t.live("hello")[0]!.id;
  t.runtime.markReady(id);
  for (let i = 0; i < 3; i++) {
    t.runtime.crash(id, 2);
    t.clock.advance(100);
    if (i < 2) t.clock.advance(60_000);
  }
  assert.equal(t.control.getApp("hello").status.substate, "CRASH_LOOP");
  assert.equal(t.routes.availability.get("hello")?.kind, "unavailable");
  t.decide("hello", 0, "idle");
  assert.equal(t.routes.availability.get("hello")?.kind, "serving", "at zero the next request tries afresh");
});

test("stop drains everything, start brings back min, delete forgets the app", async () => {
  const t = setup();
  await t.control.deploy([hello({ scaling: { replicas: [2, 3] } })]);
  for (const r of t.live("hello")) t.runtime.markReady(r.id);
  assert.equal(t.live("hello").length, 2);
  const stopped = await t.control.stop("hello");
  await new Promise((r) => setImmediate(r));
  assert.equal(stopped.status.deploymentStatus, "STOPPED");
  assert.equal(t.live("hello").length, 0);
  assert.equal(t.routes.availability.get("hello")?.kind, "stopped");
  assert.equal(t.autoscaler.apps.has("hello"), false);
  await t.control.start("hello");
  assert.equal(t.live("hello").length, 2);
  assert.equal(t.routes.availability.get("hello")?.kind, "serving");
  await t.control.delete("hello");
  assert.deepEqual(t.control.listApps(), []);
  assert.equal(t.store.getApp("hello"), undefined);
  assert.throws(() => t.control.getApp("hello"), (e: unknown) => isEbbError(e, "APP_NOT_FOUND"));
});

test("after a restart every app is back with its min replicas", async () => {
  const store = createMemoryStore();
  const first = setup(store);
  await first.control.deploy([hello({ scaling: { replicas: [2, 4] } }), hello({ name: "idle" })]);
  const second = setup(store);
  second.control.recover();
  assert.deepEqual(second.control.listApps().map((a) => a.name).sort(), ["hello", "idle"]);
  assert.equal(second.live("hello").length, 2);
  assert.equal(second.live("idle").length, 0);
  assert.equal(second.autoscaler.apps.get("hello")?.currentDesired, 2);
  assert.equal(second.routes.settings.size, 2);
});

test("logs interleave the app's output with its events", async () => {
  const t = setup();
  await t.control.deploy([hello()]);
  const id = t.live("hello")[0]!.id;
  t.clock.advance(10);
  t.runtime.emitLog(id, "stdout", "listening");
  t.clock.advance(10);
  t.runtime.markReady(id);
  const seen: string[] = [];
  const off = t.control.subscribeLogs("hello", (e) => seen.push(e.kind === "log" ? e.text : e.type));
  t.runtime.emitLog(id, "stderr", "warming up");
  off();
  t.runtime.emitLog(id, "stderr", "after unsubscribe");
  assert.deepEqual(seen, ["warming up"]);
  const entries = t.control.logs("hello").map((e) => (e.kind === "log" ? `log:${e.text}` : `event:${e.type}`));
  assert.ok(entries.indexOf("log:listening") < entries.indexOf("event:ReplicaReady"), entries.join(" "));
  assert.ok(entries.includes("event:Deployed"));
});
