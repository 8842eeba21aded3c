import { test } from "node:test";
import assert from "node:assert/strict";
import { startLocal, waitUntil } from "./test-apps.js";

test("HTTP readiness waits for a 2xx answer; listening comes first", async () => {
  const h = startLocal();
  try {
    h.runtime.scale(h.apps.spec("http", "server", { readiness: { path: "/healthz" }, env: { NOT_READY_PROBES: "3" } }), 1, 1);
    const ready = await waitUntil("ready", () => h.ofType("replica-ready")[0]);
    const { host, port } = ready.replica.endpoint!;
    const body = await (await fetch(`http://${host}:${port}/`)).json();
    assert.equal(body.probes, 4, "three 503 answers, then ready on the fourth try");
    const { spawnMs, listeningMs, readyMs } = ready.phases;
    assert.ok(spawnMs <= listeningMs && listeningMs <= readyMs, JSON.stringify(ready.phases));
    const started = h.ofType("replica-started")[0]!;
    assert.equal(ready.replica.startedAt, started.at, "phases count from the start request");
  } finally {
    await h.close();
  }
});

test("TCP readiness: listening and ready are the same moment, logged as system lines", async () => {
  const h = startLocal();
  try {
    h.runtime.scale(h.apps.spec("tcp", "server"), 1, 1);
    const ready = await waitUntil("ready", () => h.ofType("replica-ready")[0]);
    assert.equal(ready.phases.listeningMs, ready.phases.readyMs);
    const system = h.runtime.logs("tcp").filter((l) => l.stream === "system").map((l) => l.text);
    assert.match(system[0]!, new RegExp(`^started pid ${ready.replica.pid} on port ${ready.replica.endpoint!.port}: `));
    assert.equal(system[1], `ready in ${ready.phases.readyMs} ms`);
  } finally {
    await h.close();
  }
});

test("a replica not ready within the startup timeout is killed; repeats become RUNTIME_STARTUP_TIMEOUT", async () => {
  const h = startLocal({ crashLoopThreshold: 2 });
  try {
    h.runtime.scale(h.apps.spec("slow", "silent", { timeouts: { request: 30, startup: 0.2 } }), 1, 1);
    const loop = await waitUntil("crash-loop", () => h.ofType("crash-loop")[0]);
    const exits = h.ofType("replica-exited");
    assert.ok(exits.length >= 2);
    for (const e of exits) {
      assert.equal(e.reason, "startup-timeout");
      assert.equal(e.signal, "SIGKILL");
      assert.match(e.message, /^not ready within the startup timeout of 0.2 s/);
      assert.ok(e.at - e.replica.startedAt >= 200);
    }
    assert.equal(loop.cause.code, "RUNTIME_STARTUP_TIMEOUT");
  } finally {
    await h.close();
  }
});

test("a command that cannot be spawned fails with RUNTIME_START_FAILED and keeps being retried", async () => {
  const h = startLocal();
  try {
    h.runtime.scale(h.apps.spec("nofile", "server", { command: ["/nonexistent/ebb-app"] }), 1, 1);
    const loop = await waitUntil("crash-loop", () => h.ofType("crash-loop")[0]);
    assert.equal(loop.cause.code, "RUNTIME_START_FAILED");
    assert.match(loop.cause.message, /no such file or directory \(ENOENT\)/);
    const exit = h.ofType("replica-exited")[0]!;
    assert.equal(exit.reason, "start-failed");
    assert.equal(exit.replica.pid, null);
    assert.equal(exit.message, `could not start "/nonexistent/ebb-app" in ${h.apps.dir}: no such file or directory (ENOENT)`);
    await waitUntil("a retry after the crash-loop report", () => h.ofType("replica-exited").length > 3);
    assert.equal(h.ofType("replica-ready").length, 0);
  } finally {
    await h.close();
  }
});

test("the exit message quotes the app's own error", async () => {
  const h = startLocal();
  try {
    h.runtime.scale(h.apps.spec("nomodule", "missing"), 1, 1);
    const exit = await waitUntil("exit", () => h.ofType("replica-exited")[0]);
    assert.equal(exit.reason, "crashed");
    assert.equal(exit.code, 1);
    assert.match(exit.message, /^exited with code 1: Error: Cannot find module '.*missing\.cjs'/);
    await waitUntil("the restart line", () => h.runtime.logs("nomodule").some((l) => l.stream === "system" && l.text === "restarting in 20 ms"));
  } finally {
    await h.close();
  }
});

test("a ready replica that grows over its memory limit is SIGKILLed and reported as oom", async () => {
  const h = startLocal({ crashLoopThreshold: 1 });
  try {
    h.runtime.scale(h.apps.spec("hog", "server", { resources: { cpu: 0.25, memory: "150Mi" } }), 1, 1);
    const { replica } = await waitUntil("ready", () => h.ofType("replica-ready")[0]);
    await fetch(`http://${replica.endpoint!.host}:${replica.endpoint!.port}/grow?mb=300`).then((r) => r.text(), () => "");
    const exit = await waitUntil("the oom kill", () => h.ofType("replica-exited")[0]);
    assert.equal(exit.reason, "oom");
    assert.equal(exit.signal, "SIGKILL");
    assert.match(exit.message, /^killed over its memory limit of 150Mi/);
    assert.ok(h.runtime.logs("hog").some((l) => l.stream === "system" && /over its memory limit of 150Mi; killing it$/.test(l.text)));
    const loop = await waitUntil("crash-loop", () => h.ofType("crash-loop")[0]);
    assert.equal(loop.cause.code, "RUNTIME_OOM_KILLED");
  } finally {
    await h.close();
  }
});
