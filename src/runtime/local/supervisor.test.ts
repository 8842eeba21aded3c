import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ManualClock } from "../../kit/clock.js";
import { silentLogger } from "../../kit/log.js";
import type { RuntimeEvent } from "../types.js";
import { createLocalRuntime } from "./runtime.js";
import { startLocal, waitUntil, writeTestApps } from "./test-apps.js";

test("replicas start only within capacity; a waiting one starts when room frees", async () => {
  const h = startLocal({ capacity: { cpu: 1, memoryBytes: 2 ** 40 } });
  try {
    const half = { cpu: 0.5, memory: "64Mi" };
    const a = h.apps.spec("big", "server", { resources: half });
    h.runtime.scale(a, 1, 3);
    await waitUntil("two ready", () => h.ofType("replica-ready", "big").length === 2);
    const short = h.ofType("insufficient-capacity", "big");
    assert.equal(short.length, 1);
    assert.match(short[0]!.message, /^no room for another replica of big revision 1: needs 0.5 CPU and 64 MiB; 1 of 1 CPU/);
    h.runtime.scale(h.apps.spec("small", "server", { resources: half }), 1, 1);
    assert.equal(h.ofType("insufficient-capacity", "small").length, 1);
    assert.equal(h.ofType("replica-started", "small").length, 0);
    h.runtime.scale(a, 1, 1);
    await waitUntil("the waiting app to become ready", () => h.ofType("replica-ready", "small")[0]);
    assert.equal(h.ofType("replica-exited", "big").length, 1);
    assert.equal(h.ofType("replica-started", "big").length, 2, "the third replica of big never started");
    assert.equal(h.ofType("insufficient-capacity", "big").length, 1, "reported once per shortage");
  } finally {
    await h.close();
  }
});

test("a replica ready for backoffResetAfterMs clears its back-off (manual clock, real processes)", async () => {
  const apps = writeTestApps();
  const clock = new ManualClock(Date.now());
  const events: RuntimeEvent[] = [];
  const runtime = createLocalRuntime(
    { stateDir: join(apps.dir, "state"), backoffBaseMs: 20, backoffResetAfterMs: 5_000 },
    { onEvent: (e) => void events.push(e), drain: async () => {} },
    { clock, log: silentLogger },
  );
  const ready = (n: number) => (): boolean => events.filter((e) => e.type === "replica-ready").length >= n;
  const stepUntil = async (what: string, pred: () => boolean): Promise<void> => {
    await waitUntil(what, () => {
      clock.advance(2);
      return pred();
    });
  };
  const crash = async (): Promise<void> => {
    const { host, port } = runtime.replicas()[0]!.endpoint!;
    await fetch(`http://${host}:${port}/crash?code=9`).then((r) => r.text(), () => "");
  };
  const restartLines = (): string[] => runtime.logs("heal").filter((l) => l.text.startsWith("restarting in")).map((l) => l.text);
  try {
    runtime.scale(apps.spec("heal", "server"), 1, 1);
    await stepUntil("ready", ready(1));
    await crash();
    await stepUntil("ready again", ready(2));
    await crash();
    await stepUntil("ready a third time", ready(3));
    assert.deepEqual(restartLines(), ["restarting in 20 ms", "restarting in 40 ms"]);
    clock.advance(5_000);
    await crash();
    await stepUntil("the third restart", () => restartLines().length === 3);
    assert.equal(restartLines()[2], "restarting in 20 ms");
  } finally {
    runtime.destroy();
    const closing = runtime.close();
    await stepUntil("close", () => runtime.replicas().length === 0);
    await closing;
    apps.cleanup();
  }
});
