/**
 * The cases of the runtime contract (contract.ts runs them against each implementation). Each
 * case uses fresh app names and its own runtime; timing is checked only as lower bounds (a
 * restart comes no sooner than its back-off), never as upper bounds, so slow machines pass.
 */
import assert from "node:assert/strict";
import type { ContractContext } from "./contract.js";
import type { LogLine } from "./types.js";

type Case = (ctx: ContractContext) => Promise<void>;

export const contractCases: Record<string, Case> = {
  async "scale up reports each replica started, then ready with an endpoint"({ runtime, subject, events, waitFor, settle, ofType }) {
    const spec = subject.servingSpec("up");
    runtime.scale(spec, 1, 2);
    const ready = await waitFor("two ready replicas", () => ofType("replica-ready", "up").length >= 2 && ofType("replica-ready", "up"));
    for (const e of ready) {
      const started = events.findIndex((x) => x.type === "replica-started" && x.replica.id === e.replica.id);
      assert.ok(started >= 0 && started < events.indexOf(e), `${e.replica.id} reported started before ready`);
      assert.equal(e.replica.app, "up");
      assert.equal(e.replica.revision, 1);
      assert.equal(e.replica.state, "ready");
      assert.ok(e.replica.endpoint && e.replica.endpoint.port > 0 && e.replica.endpoint.host.length > 0);
      const { spawnMs, listeningMs, readyMs } = e.phases;
      assert.ok(spawnMs >= 0 && listeningMs >= spawnMs && readyMs >= listeningMs, JSON.stringify(e.phases));
    }
    assert.notEqual(ready[0]!.replica.id, ready[1]!.replica.id);
    assert.notEqual(ready[0]!.replica.endpoint!.port, ready[1]!.replica.endpoint!.port);
    assert.deepEqual(runtime.replicas("up").map((r) => r.state), ["ready", "ready"]);
    assert.deepEqual(runtime.replicas("elsewhere"), []);
    runtime.scale(spec, 1, 2);
    await settle(5);
    assert.equal(ofType("replica-started", "up").length, 2, "scale is level-triggered: the same count starts nothing");
  },

  async "scale down drains the newest ready replica through the hook before stopping it"({ runtime, subject, drained, holdDrains, waitFor, settle, ofType, listedAtExit }) {
    const spec = subject.servingSpec("down");
    runtime.scale(spec, 1, 1);
    const keeper = (await waitFor("a ready replica", () => ofType("replica-ready", "down")[0])).replica;
    await settle(2);
    runtime.scale(spec, 1, 2);
    const newest = (await waitFor("a second ready replica", () => ofType("replica-ready", "down")[1])).replica;
    assert.ok(newest.readyAt! > keeper.readyAt!);
    const release = holdDrains();
    runtime.scale(spec, 1, 1);
    const draining = await waitFor("a draining replica", () => ofType("replica-draining", "down")[0]);
    const victim = draining.replica.id;
    assert.equal(victim, newest.id, "the newest ready replica is the victim");
    await waitFor("the drain hook to be called", () => drained.includes(victim));
    await settle(10);
    assert.equal(ofType("replica-exited", "down").length, 0, "nothing stops while the drain is pending");
    assert.equal(runtime.replicas("down").find((r) => r.id === victim)?.state, "draining");
    release();
    const exited = await waitFor("the victim to exit", () => ofType("replica-exited", "down")[0]);
    assert.equal(exited.replica.id, victim);
    assert.equal(exited.reason, "stopped");
    assert.deepEqual(runtime.replicas("down").map((r) => [r.id, r.state]), [[keeper.id, "ready"]]);
    assert.deepEqual(listedAtExit, [], "replicas() no longer lists a replica when its exit is reported");
    assert.ok(!drained.includes(keeper.id));
  },

  async "scale down stops a starting replica before any ready one, without draining it"({ runtime, subject, drained, waitFor, ofType }) {
    const spec = subject.servingSpec("early");
    runtime.scale(spec, 1, 1);
    const first = await waitFor("a ready replica", () => ofType("replica-ready", "early")[0]);
    runtime.scale(spec, 1, 2);
    runtime.scale(spec, 1, 1);
    const exited = await waitFor("the starting replica to stop", () => ofType("replica-exited", "early")[0]);
    assert.notEqual(exited.replica.id, first.replica.id);
    assert.equal(exited.reason, "stopped");
    assert.deepEqual(drained, []);
    assert.deepEqual(runtime.replicas("early").map((r) => r.id), [first.replica.id]);
  },

  async "two revisions of an app run side by side and scale independently"({ runtime, subject, waitFor, ofType }) {
    const v1 = subject.servingSpec("roll");
    const v2 = { ...v1, env: { ...v1.env, VERSION: "2" } };
    runtime.scale(v1, 1, 1);
    runtime.scale(v2, 2, 1);
    await waitFor("one ready replica per revision", () => ofType("replica-ready", "roll").length >= 2);
    assert.deepEqual(runtime.replicas("roll").map((r) => r.revision).sort(), [1, 2]);
    runtime.scale(v1, 1, 0);
    const exited = await waitFor("revision 1 to stop", () => ofType("replica-exited", "roll")[0]);
    assert.equal(exited.replica.revision, 1);
    assert.equal(exited.reason, "stopped");
    assert.deepEqual(runtime.replicas("roll").map((r) => [r.revision, r.state]), [[2, "ready"]]);
    assert.ok(ofType("replica-draining", "roll").every((e) => e.replica.revision === 1));
  },

  async "remove drains and stops every replica of every revision and forgets the app"({ runtime, subject, drained, waitFor, ofType }) {
    const gone = subject.servingSpec("gone");
    runtime.scale(gone, 1, 2);
    runtime.scale({ ...gone, env: { ...gone.env, VERSION: "2" } }, 2, 1);
    runtime.scale(subject.servingSpec("stay"), 1, 1);
    await waitFor("four ready replicas", () => ofType("replica-ready").length >= 4);
    const ids = ofType("replica-ready", "gone").map((e) => e.replica.id).sort();
    await runtime.remove("gone");
    const exited = ofType("replica-exited", "gone");
    assert.deepEqual(exited.map((e) => e.replica.id).sort(), ids);
    assert.ok(exited.every((e) => e.reason === "stopped"));
    assert.deepEqual([...drained].sort(), ids);
    assert.deepEqual(runtime.replicas("gone"), []);
    assert.deepEqual(runtime.logs("gone"), []);
    assert.deepEqual(runtime.replicas("stay").map((r) => r.state), ["ready"]);
  },

  async "output is captured per replica with timestamps for logs() and subscribeLogs()"({ runtime, subject, waitFor, ofType }) {
    const seen: LogLine[] = [];
    const unsubscribe = runtime.subscribeLogs("logs", (l) => seen.push(l));
    const spec = subject.servingSpec("logs");
    runtime.scale(spec, 1, 1);
    const id = (await waitFor("a ready replica", () => ofType("replica-ready", "logs")[0])).replica.id;
    const served = await waitFor("the app's stdout line", () => runtime.logs("logs").find((l) => l.stream === "stdout" && l.text.includes("serving")));
    assert.equal(served.app, "logs");
    assert.equal(served.replica, id);
    assert.ok(Number.isFinite(served.time));
    assert.ok(runtime.logs("logs").some((l) => l.stream === "system" && l.replica === id), "system lines too");
    assert.ok(seen.some((l) => l.stream === "stdout" && l.text === served.text), "subscribers get live lines");
    const all = runtime.logs("logs");
    assert.ok(all.every((l, i) => i === 0 || l.time >= all[i - 1]!.time), "oldest first");
    assert.deepEqual(runtime.logs("logs", { limit: 1 }), all.slice(-1));
    assert.deepEqual(runtime.logs("logs", { replica: "no-such-replica" }), []);
    unsubscribe();
    const before = seen.length;
    runtime.scale(spec, 1, 0);
    await waitFor("the replica to stop", () => ofType("replica-exited", "logs")[0]);
    await waitFor("an exit line in the tail", () => runtime.logs("logs").length > all.length);
    assert.equal(seen.length, before, "no lines after unsubscribing");
  },

  async "a crashed replica is reported with its exit code and last lines, then restarted after a back-off"({ runtime, subject, waitFor, ofType }) {
    runtime.scale(subject.servingSpec("crashy"), 1, 1);
    const first = await waitFor("a ready replica", () => ofType("replica-ready", "crashy")[0]);
    await subject.crash(first.replica, 3);
    const exited = await waitFor("the crash", () => ofType("replica-exited", "crashy")[0]);
    assert.equal(exited.reason, "crashed");
    assert.equal(exited.code, 3);
    assert.match(exited.message, /code 3/);
    assert.ok(exited.lastLines.some((l) => l.includes("crashing with code 3")), exited.lastLines.join("\n"));
    const again = await waitFor("the restarted replica to be ready", () => ofType("replica-ready", "crashy").find((e) => e.replica.restarts === 1));
    const restart = ofType("replica-started", "crashy").find((e) => e.replica.restarts === 1)!;
    assert.ok(restart.at - exited.at >= subject.policy.backoffBaseMs, `restarted ${restart.at - exited.at} ms after the crash`);
    assert.equal(again.replica.state, "ready");
    assert.equal(ofType("crash-loop", "crashy").length, 0, "one crash is not a loop");
    assert.equal(runtime.replicas("crashy").length, 1);
  },

  async "replicas that keep failing back off exponentially and report crash-loop after the threshold"({ runtime, subject, events, waitFor, settle, ofType }) {
    const { policy } = subject;
    const spec = subject.crashingSpec("loop", 7);
    runtime.scale(spec, 1, 1);
    const loop = await waitFor("crash-loop", () => ofType("crash-loop", "loop")[0]);
    const exits = events.slice(0, events.indexOf(loop)).filter((e) => e.type === "replica-exited" && e.replica.app === "loop");
    assert.equal(exits.length, policy.crashLoopThreshold);
    for (const e of ofType("replica-exited", "loop")) {
      assert.equal(e.reason, "crashed");
      assert.equal(e.code, 7);
      assert.ok(e.lastLines.some((l) => l.includes("boom")));
    }
    assert.equal(loop.cause.code, "RUNTIME_CRASH_LOOP");
    assert.equal(loop.revision, 1);
    assert.equal(loop.restartInMs, Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (policy.crashLoopThreshold - 1)));
    const starts = ofType("replica-started", "loop");
    const crashes = ofType("replica-exited", "loop");
    for (let i = 1; i < policy.crashLoopThreshold; i++) {
      const gap = starts[i]!.at - crashes[i - 1]!.at;
      assert.ok(gap >= Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (i - 1)), `restart ${i} came ${gap} ms after the crash`);
    }
    await waitFor("a restart after the crash-loop report", () => ofType("replica-started", "loop").length > policy.crashLoopThreshold);
    runtime.scale(spec, 1, 0);
    await waitFor("no live replica", () => runtime.replicas("loop").length === 0);
    const count = ofType("replica-started", "loop").length;
    await settle(Math.ceil((policy.backoffMaxMs * 2) / 5));
    assert.equal(ofType("replica-started", "loop").length, count, "no restarts once scaled to zero");
  },

  async "close drains and stops everything, ends restarts and is idempotent"({ runtime, subject, drained, waitFor, settle, ofType }) {
    runtime.scale(subject.servingSpec("one"), 1, 1);
    runtime.scale(subject.servingSpec("two"), 1, 2);
    runtime.scale(subject.crashingSpec("bad", 2), 1, 1);
    await waitFor("three ready replicas", () => ofType("replica-ready").length >= 3);
    await waitFor("a failure of the crashing app", () => ofType("replica-exited", "bad").length >= 1);
    const ready = ofType("replica-ready").map((e) => e.replica.id).sort();
    await Promise.all([runtime.close(), runtime.close()]);
    assert.deepEqual(runtime.replicas(), []);
    const stopped = ofType("replica-exited").filter((e) => e.reason === "stopped").map((e) => e.replica.id).sort();
    assert.deepEqual(stopped.filter((id) => ready.includes(id)), ready);
    assert.deepEqual([...drained].sort(), ready);
    const started = ofType("replica-started").length;
    runtime.scale(subject.servingSpec("one"), 1, 3);
    await settle(Math.ceil((subject.policy.backoffMaxMs * 2) / 5));
    assert.equal(ofType("replica-started").length, started, "nothing starts after close");
    await runtime.close();
  },

  async "destroy stops everything at once without draining"({ runtime, subject, drained, waitFor, ofType }) {
    runtime.scale(subject.servingSpec("abort"), 1, 2);
    await waitFor("two ready replicas", () => ofType("replica-ready", "abort").length >= 2);
    runtime.destroy(new Error("test abort"));
    runtime.destroy();
    await waitFor("every replica gone", () => runtime.replicas().length === 0);
    assert.equal(ofType("replica-exited", "abort").length, 2);
    assert.deepEqual(drained, []);
  },
};
