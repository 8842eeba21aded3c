import { test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { systemClock } from "../../kit/clock.js";
import { ReplicaProcess, type ProcessExit } from "./replica-process.js";
import { isAlive, waitUntil } from "./test-apps.js";

interface Run {
  proc: ReplicaProcess;
  lines: Array<[string, string]>;
  exited: Promise<ProcessExit>;
}

function run(script: string | string[], stopGraceMs = 2_000): Run {
  const lines: Array<[string, string]> = [];
  let done: (e: ProcessExit) => void = () => {};
  const exited = new Promise<ProcessExit>((r) => (done = r));
  const argv = typeof script === "string" ? [process.execPath, "-e", script] : script;
  const proc = new ReplicaProcess({
    argv, cwd: tmpdir(), env: { PATH: "/usr/bin:/bin" }, clock: systemClock, stopGraceMs, lineMaxBytes: 1024,
    onLine: (stream, text) => lines.push([stream, text]),
    onExit: done,
  });
  return { proc, lines, exited };
}

const saw = (r: Run, text: string) => (): boolean => r.lines.some(([, t]) => t.startsWith(text));

test("output is split into lines per stream, a last line without newline included", async () => {
  const r = run(`process.stdout.write("a\\r\\nb\\n"); process.stderr.write("c")`);
  const exit = await r.exited;
  assert.deepEqual(exit, { code: 0, signal: null, spawnError: null });
  assert.deepEqual(r.lines.filter(([s]) => s === "stdout"), [["stdout", "a"], ["stdout", "b"]]);
  assert.deepEqual(r.lines.filter(([s]) => s === "stderr"), [["stderr", "c"]]);
});

test("terminate sends SIGTERM, which a normal process obeys", async () => {
  const r = run(`console.log("up"); setInterval(() => {}, 1000)`);
  await waitUntil("up", saw(r, "up"));
  r.proc.terminate();
  assert.deepEqual(await r.exited, { code: null, signal: "SIGTERM", spawnError: null });
});

test("a process that ignores SIGTERM gets SIGKILL after the grace period", async () => {
  const r = run(`process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("up"); setInterval(() => {}, 1000)`, 300);
  await waitUntil("up", saw(r, "up"));
  const t0 = Date.now();
  r.proc.terminate();
  r.proc.terminate();
  const exit = await r.exited;
  assert.equal(exit.signal, "SIGKILL");
  assert.ok(Date.now() - t0 >= 250, `killed ${Date.now() - t0} ms after SIGTERM, before the 300 ms grace`);
  assert.ok(r.lines.some(([, t]) => t === "ignoring SIGTERM"));
});

const withGrandchild = (then: string): string => `
  const c = require("node:child_process").spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
  console.log("grandchild " + c.pid);
  ${then}`;

function grandchildPid(r: Run): number {
  return Number(r.lines.find(([, t]) => t.startsWith("grandchild"))![1].split(" ")[1]);
}

test("stopping kills grandchildren in the group, even those that ignore SIGTERM", async () => {
  const r = run(withGrandchild(`setInterval(() => {}, 1000)`));
  await waitUntil("grandchild", saw(r, "grandchild"));
  const pid = grandchildPid(r);
  assert.ok(isAlive(pid));
  r.proc.terminate();
  await r.exited;
  await waitUntil(`grandchild ${pid} to die`, () => !isAlive(pid));
});

test("when the leader crashes, what it left in its group is killed", async () => {
  const r = run(withGrandchild(`setTimeout(() => process.exit(4), 50)`));
  const exit = await r.exited;
  assert.equal(exit.code, 4);
  const pid = grandchildPid(r);
  await waitUntil(`grandchild ${pid} to die`, () => !isAlive(pid));
});

test("a missing command is a spawn error, not an exit", async () => {
  const r = run(["/nonexistent/ebb-test-command"]);
  const exit = await r.exited;
  assert.equal(r.proc.pid, null);
  assert.equal(exit.spawnError?.code, "ENOENT");
  assert.equal(exit.code, null);
  r.proc.terminate();
  r.proc.kill();
});
