import { test } from "node:test";
import assert from "node:assert/strict";
import { LastItems, backoffDelayMs, crashLoopCode, exitMessage, pickVictims, restartPolicyDefaults } from "./policy.js";

test("back-off doubles from the base up to the ceiling", () => {
  const delays = [1, 2, 3, 4, 8, 9, 100].map((n) => backoffDelayMs(n, restartPolicyDefaults));
  assert.deepEqual(delays, [200, 400, 800, 1_600, 25_600, 30_000, 30_000]);
  assert.equal(backoffDelayMs(0, restartPolicyDefaults), 200);
});

test("each failure reason names its catalogue code", () => {
  assert.deepEqual(
    (["crashed", "start-failed", "startup-timeout", "oom"] as const).map(crashLoopCode),
    ["RUNTIME_CRASH_LOOP", "RUNTIME_START_FAILED", "RUNTIME_STARTUP_TIMEOUT", "RUNTIME_OOM_KILLED"],
  );
});

test("victims: no process first, then starting (newest first), then the most recently ready", () => {
  const slots = [
    { id: "ready-old", state: "ready" as const, seq: 1, readyAt: 100 },
    { id: "ready-new", state: "ready" as const, seq: 2, readyAt: 200 },
    { id: "starting-old", state: "starting" as const, seq: 3, readyAt: null },
    { id: "waiting", state: "waiting" as const, seq: 4, readyAt: null },
    { id: "starting-new", state: "starting" as const, seq: 5, readyAt: null },
    { id: "ready-tie", state: "ready" as const, seq: 6, readyAt: 200 },
  ];
  assert.deepEqual(pickVictims(slots, 6).map((s) => s.id), ["waiting", "starting-new", "starting-old", "ready-tie", "ready-new", "ready-old"]);
  assert.deepEqual(pickVictims(slots, 0), []);
  assert.deepEqual(pickVictims(slots, -1), []);
});

test("the exit message quotes the app's error line, else its last unindented line", () => {
  const node = [
    "node:internal/modules/cjs/loader:1228",
    "  throw err;",
    "  ^",
    "",
    "Error: Cannot find module '/app/server.js'",
    "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
    "  code: 'MODULE_NOT_FOUND',",
    "}",
    "",
    "Node.js v20.20.2",
  ];
  assert.equal(exitMessage(1, null, node), "exited with code 1: Error: Cannot find module '/app/server.js'");
  const python = ["Traceback (most recent call last):", '  File "app.py", line 1', "ModuleNotFoundError: No module named 'flask'"];
  assert.equal(exitMessage(1, null, python), "exited with code 1: ModuleNotFoundError: No module named 'flask'");
  assert.equal(exitMessage(null, "SIGSEGV", ["listening", "  detail"]), "killed by SIGSEGV: listening");
  assert.equal(exitMessage(0, null, []), "exited with code 0");
  assert.equal(exitMessage(2, null, ["x".repeat(500)]).length, "exited with code 2: ".length + 201);
});

test("LastItems keeps the newest items", () => {
  const last = new LastItems<number>(3);
  for (let i = 1; i <= 5; i++) last.push(i);
  assert.deepEqual(last.values(), [3, 4, 5]);
  last.clear();
  assert.deepEqual(last.values(), []);
});
