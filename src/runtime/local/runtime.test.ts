import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../kit/clock.js";
import { silentLogger } from "../../kit/log.js";
import { runtimeContract } from "../contract.js";
import { createLocalRuntime, registryFileName } from "./runtime.js";
import { readStartTime } from "./proc-fs.js";
import { isAlive, startLocal, waitUntil, writeTestApps } from "./test-apps.js";

const policy = { backoffBaseMs: 20, backoffMaxMs: 160, backoffResetAfterMs: 60_000, crashLoopThreshold: 3 };

runtimeContract("local", (hooks) => {
  const apps = writeTestApps();
  const runtime = createLocalRuntime({ stateDir: join(apps.dir, "state"), ...policy, stopGraceMs: 2_000 }, hooks, {
    clock: systemClock,
    log: silentLogger,
  });
  return {
    runtime,
    policy,
    servingSpec: (name) => apps.spec(name, "server"),
    crashingSpec: (name, code) => apps.spec(name, "crash", { args: [String(code)] }),
    async crash(replica, code) {
      const { host, port } = replica.endpoint!;
      await fetch(`http://${host}:${port}/crash?code=${code}`).then((r) => r.text(), () => "");
    },
    step() {},
    cleanup: async () => apps.cleanup(),
  };
});

test("a replica gets $PORT and the base environment under the spec's own", async () => {
  const h = startLocal({ baseEnv: { BASE: "b", GREETING: "from base" } });
  try {
    h.runtime.scale(h.apps.spec("env", "server", { env: { GREETING: "hi" } }), 1, 1);
    const { replica } = await waitUntil("ready", () => h.ofType("replica-ready")[0]);
    const { host, port } = replica.endpoint!;
    const body = await (await fetch(`http://${host}:${port}/`)).json();
    assert.deepEqual(body, { port: String(port), greeting: "hi", base: "b", probes: 0 });
    assert.ok(replica.pid! > 0);
    assert.equal(host, "127.0.0.1");
  } finally {
    await h.close();
  }
});

test("$PORT in the command's arguments is the replica's port (a server that takes it as an argument)", async () => {
  const h = startLocal();
  try {
    writeFileSync(join(h.apps.dir, "page.txt"), "from the argv port\n");
    const spec = h.apps.spec("argv-port", "server", { command: ["python3", "-m", "http.server", "$PORT", "--bind", "127.0.0.1"] });
    h.runtime.scale(spec, 1, 1);
    const { replica } = await waitUntil("ready", () => h.ofType("replica-ready")[0]);
    const { host, port } = replica.endpoint!;
    assert.equal(await (await fetch(`http://${host}:${port}/page.txt`)).text(), "from the argv port\n");
    assert.ok(h.runtime.logs("argv-port").some((l) => l.text.endsWith(`http.server ${port} --bind 127.0.0.1`)), "the log shows the argv run");
  } finally {
    await h.close();
  }
});

test("output goes to a capped log file per replica, rotated once, and to a bounded tail", async () => {
  const h = startLocal({ logFileMaxBytes: 16 * 1024, logTailLines: 100 });
  try {
    h.runtime.scale(h.apps.spec("chatty", "server", { env: { SPAM_LINES: "1000", LONG_LINE: "40000" } }), 1, 1);
    const { replica } = await waitUntil("ready", () => h.ofType("replica-ready")[0]);
    await waitUntil("the serving line", () => h.runtime.logs("chatty").some((l) => l.text.startsWith("serving on")));
    const tail = h.runtime.logs("chatty");
    assert.equal(tail.length, 100);
    assert.ok(tail.some((l) => l.text === `line 999 ${"y".repeat(80)}`));
    await h.runtime.close();
    const file = join(h.stateDir, "logs", "chatty", `${replica.id}.log`);
    assert.ok(statSync(file).size <= 16 * 1024, `${statSync(file).size} bytes`);
    assert.ok(statSync(file + ".1").size <= 16 * 1024);
    const text = readFileSync(file, "utf8");
    assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z stdout serving on \d+$/m);
    assert.match(text, /Z system stopped \(/);
  } finally {
    await h.close();
  }
});

test("lines longer than logLineMaxBytes are cut", async () => {
  const h = startLocal({ logLineMaxBytes: 1024 });
  try {
    h.runtime.scale(h.apps.spec("long", "server", { env: { LONG_LINE: "5000" } }), 1, 1);
    const long = await waitUntil("the long line", () => h.runtime.logs("long").find((l) => l.text.startsWith("xxx")));
    assert.equal(long.text, "x".repeat(1024) + " [line cut]");
    await waitUntil("the next line intact", () => h.runtime.logs("long").some((l) => l.text.startsWith("serving on")));
  } finally {
    await h.close();
  }
});

test("killAllSync kills every replica group at once and ends restarts", async () => {
  const h = startLocal();
  try {
    h.runtime.scale(h.apps.spec("doomed", "server"), 1, 2);
    const ready = await waitUntil("two ready", () => h.ofType("replica-ready").length === 2 && h.ofType("replica-ready"));
    h.runtime.killAllSync();
    for (const e of ready) await waitUntil(`pid ${e.replica.pid} to die`, () => !isAlive(e.replica.pid!));
    const registry = JSON.parse(readFileSync(join(h.stateDir, registryFileName), "utf8"));
    assert.deepEqual(registry.replicas, []);
    await waitUntil("both exits", () => h.ofType("replica-exited").length === 2);
    assert.ok(h.ofType("replica-exited").every((e) => e.reason === "stopped" && e.signal === "SIGKILL"));
    assert.deepEqual(h.runtime.replicas(), []);
  } finally {
    await h.close();
  }
});

test("at creation, replica groups left by a dead server are killed, unless the pid was reused", async () => {
  const apps = writeTestApps();
  const stateDir = join(apps.dir, "state");
  const orphan = spawn(process.execPath, ["silent.cjs"], { cwd: apps.dir, detached: true, stdio: "ignore" });
  const stranger = spawn(process.execPath, ["silent.cjs"], { cwd: apps.dir, detached: true, stdio: "ignore" });
  try {
    await waitUntil("start times", () => readStartTime(orphan.pid!) && readStartTime(stranger.pid!));
    const deadServer = spawnSync(process.execPath, ["-e", ""]).pid;
    const entry = (pid: number, startTime: string | null) => ({ pid, pgid: pid, startTime, app: "old", replica: `old-r1-${pid}` });
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      join(stateDir, registryFileName),
      JSON.stringify({
        owner: { pid: deadServer, startTime: "1" },
        replicas: [entry(orphan.pid!, readStartTime(orphan.pid!)), entry(stranger.pid!, "12345")],
      }),
    );
    const runtime = createLocalRuntime({ stateDir }, { onEvent() {}, drain: async () => {} }, { clock: systemClock, log: silentLogger });
    await waitUntil("the orphan to die", () => !isAlive(orphan.pid!));
    assert.ok(isAlive(stranger.pid!), "a process whose start time differs is not ours");
    assert.deepEqual(JSON.parse(readFileSync(join(stateDir, registryFileName), "utf8")).replicas, []);
    await runtime.close();
  } finally {
    stranger.kill("SIGKILL");
    orphan.kill("SIGKILL");
    apps.cleanup();
  }
  assert.equal(existsSync(apps.dir), false);
});

test("an app at zero keeps no supervisor or log tail in memory; logs() reads its lines back from its files", async () => {
  const h = startLocal();
  try {
    const spec = h.apps.spec("napper", "server");
    h.runtime.scale(spec, 1, 1);
    await waitUntil("the serving line", () => h.runtime.logs("napper").some((l) => l.text.startsWith("serving on")));
    assert.deepEqual(h.runtime.held(), { supervisors: 1, logTails: 1 });
    const awake = h.runtime.logs("napper");

    h.runtime.scale(spec, 1, 0);
    await waitUntil("nothing held for the app", () => h.runtime.held().logTails === 0 && h.runtime.held().supervisors === 0);
    const asleep = h.runtime.logs("napper");
    assert.deepEqual(asleep.slice(0, awake.length), awake, "the same lines, read back from disk");
    assert.ok(asleep.at(-1)!.text.startsWith("stopped ("), "and the lines written while it stopped");
    assert.deepEqual(h.runtime.logs("napper", { limit: 2 }), asleep.slice(-2));
    const id = awake[0]!.replica;
    assert.deepEqual(h.runtime.logs("napper", { replica: id }), asleep);

    h.runtime.scale(spec, 1, 1);
    await waitUntil("a second replica serving", () => h.runtime.logs("napper").filter((l) => l.text.startsWith("serving on")).length === 2);
    const both = h.runtime.logs("napper");
    assert.deepEqual(both.slice(0, asleep.length), asleep, "older lines from disk, then the new replica's from memory");
    assert.ok(both.every((l, i) => i === 0 || l.time >= both[i - 1]!.time), "oldest first");
    assert.ok(both.slice(asleep.length).every((l) => l.replica !== id));

    await h.runtime.remove("napper");
    assert.deepEqual(h.runtime.logs("napper"), []);
    assert.equal(existsSync(join(h.stateDir, "logs", "napper")), false, "remove deletes the app's log files");
  } finally {
    await h.close();
  }
});
