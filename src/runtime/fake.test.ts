import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { runtimeContract, testAppSpec } from "./contract.js";
import { createFakeRuntime } from "./fake.js";
import type { RuntimeEvent, RuntimeHooks } from "./types.js";

const policy = { backoffBaseMs: 20, backoffMaxMs: 160, backoffResetAfterMs: 60_000, crashLoopThreshold: 3 };

runtimeContract("fake", (hooks) => {
  const clock = new ManualClock(1_700_000_000_000);
  const fake = createFakeRuntime(hooks, { clock, ...policy });
  const crashing = new Map<string, number>();
  return {
    runtime: fake,
    policy,
    servingSpec: (name) => testAppSpec(name),
    crashingSpec(name, code) {
      crashing.set(name, code);
      return testAppSpec(name);
    },
    crash(replica, code) {
      fake.emitLog(replica.id, "stderr", `crashing with code ${code}`);
      fake.crash(replica.id, code);
    },
    step() {
      for (const r of fake.replicas()) {
        if (r.state !== "starting") continue;
        const code = crashing.get(r.app);
        if (code === undefined) {
          fake.emitLog(r.id, "stdout", `serving on ${r.endpoint?.port}`);
          fake.markReady(r.id);
        } else {
          fake.emitLog(r.id, "stderr", "boom");
          fake.crash(r.id, code);
        }
      }
      clock.advance(25);
    },
    cleanup: async () => {},
  };
});

function recorder(): { hooks: RuntimeHooks; events: RuntimeEvent[] } {
  const events: RuntimeEvent[] = [];
  return { events, hooks: { onEvent: (e) => void events.push(e), drain: async () => {} } };
}

test("fake: a replica ready for backoffResetAfterMs clears its failure count", () => {
  const clock = new ManualClock();
  const { hooks, events } = recorder();
  const fake = createFakeRuntime(hooks, { clock, ...policy });
  fake.scale(testAppSpec("heal"), 1, 1);
  const id = fake.replicas()[0]!.id;
  for (const delay of [20, 40]) {
    fake.crash(id, 1);
    clock.advance(delay);
  }
  fake.markReady(id);
  clock.advance(policy.backoffResetAfterMs);
  fake.crash(id, 1);
  const restartLine = fake.logs("heal").filter((l) => l.text.startsWith("restarting in")).at(-1);
  assert.equal(restartLine?.text, "restarting in 20 ms");
  assert.equal(events.filter((e) => e.type === "crash-loop").length, 0);
});

test("fake: crash reasons map to crash-loop causes", () => {
  const clock = new ManualClock();
  const { hooks, events } = recorder();
  const fake = createFakeRuntime(hooks, { clock, ...policy, crashLoopThreshold: 1 });
  fake.scale(testAppSpec("oom"), 1, 1);
  fake.crash(fake.replicas()[0]!.id, 0, "oom");
  const loop = events.find((e) => e.type === "crash-loop");
  assert.equal(loop?.type === "crash-loop" && loop.cause.code, "RUNTIME_OOM_KILLED");
  const exit = events.find((e) => e.type === "replica-exited");
  assert.equal(exit?.type === "replica-exited" && exit.signal, "SIGKILL");
});

test("fake: test controls refuse replicas that are not in the right state", () => {
  const clock = new ManualClock();
  const fake = createFakeRuntime(recorder().hooks, { clock });
  fake.scale(testAppSpec("strict"), 1, 1);
  const id = fake.replicas()[0]!.id;
  fake.markReady(id);
  assert.throws(() => fake.markReady(id), /not starting/);
  assert.throws(() => fake.crash("nope"), /no live replica/);
});
