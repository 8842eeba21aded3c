import { test } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { localRuntimeDefaults, resolveLocalRuntimeConfig } from "./config.js";

test("defaults fill every option; capacity comes from the machine", () => {
  const config = resolveLocalRuntimeConfig({ stateDir: "/var/ebb" });
  assert.equal(config.logDir, join("/var/ebb", "logs"));
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.stopGraceMs, 10_000);
  assert.equal(config.backoffBaseMs, 200);
  assert.equal(config.backoffMaxMs, 30_000);
  assert.equal(config.crashLoopThreshold, 3);
  assert.equal(config.logTailLines, 2_000);
  assert.equal(config.logFileMaxBytes, 5 * 1024 * 1024);
  assert.equal(config.logLineMaxBytes, 16 * 1024);
  assert.equal(config.memoryPollMs, 1_000);
  assert.deepEqual(config.capacity, { cpu: 4 * availableParallelism(), memoryBytes: Math.floor(0.8 * totalmem()) });
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.capacity) && Object.isFrozen(localRuntimeDefaults));
});

test("options override defaults and the result is a copy", () => {
  const baseEnv = { PATH: "/bin" };
  const config = resolveLocalRuntimeConfig({ stateDir: "/s", logDir: "/l", baseEnv, stopGraceMs: 5, capacity: { cpu: 2, memoryBytes: 1 } });
  baseEnv.PATH = "changed";
  assert.deepEqual([config.logDir, config.baseEnv.PATH, config.stopGraceMs, config.capacity.cpu], ["/l", "/bin", 5, 2]);
});

test("every problem is reported at once: unknown keys, missing stateDir, bad numbers", () => {
  const bad = { stopGraceMs: -1, backofBaseMs: 10, logTailLines: Number.NaN } as never;
  assert.throws(() => resolveLocalRuntimeConfig(bad), (err: Error) => {
    assert.ok(err instanceof TypeError);
    for (const part of ["unknown option 'backofBaseMs'", "stateDir is required", "stopGraceMs must be", "logTailLines must be"]) {
      assert.ok(err.message.includes(part), `${part} in ${err.message}`);
    }
    return true;
  });
  assert.throws(() => resolveLocalRuntimeConfig({ stateDir: "/s", backoffBaseMs: 100, backoffMaxMs: 10 }), /backoffMaxMs must be at least/);
});
