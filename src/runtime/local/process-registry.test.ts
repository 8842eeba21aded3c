import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { silentLogger } from "../../kit/log.js";
import { readStartTime } from "./proc-fs.js";
import { ProcessRegistry, signalGroup } from "./process-registry.js";
import { isAlive, waitUntil } from "./test-apps.js";

function idle(): ChildProcess {
  return spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
}

async function withDir(fn: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ebb-registry-"));
  try {
    await fn(join(dir, "state", "replicas.json"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const entry = (pid: number, startTime: string | null) => ({ pid, pgid: pid, startTime, app: "a", replica: `a-r1-${pid}` });

test("add and remove keep the file in step; killAllSync kills and empties it", async () => {
  await withDir(async (file) => {
    const child = idle();
    try {
      const registry = new ProcessRegistry(file, silentLogger);
      assert.equal(registry.cleanupOrphans(), 0, "no file yet");
      await waitUntil("start time", () => readStartTime(child.pid!));
      registry.add(entry(child.pid!, readStartTime(child.pid!)));
      const saved = JSON.parse(readFileSync(file, "utf8"));
      assert.deepEqual(saved.replicas.map((e: { pid: number }) => e.pid), [child.pid]);
      assert.equal(saved.owner.pid, process.pid);
      registry.killAllSync();
      registry.killAllSync();
      await waitUntil("the group to die", () => !isAlive(child.pid!));
      assert.deepEqual(JSON.parse(readFileSync(file, "utf8")).replicas, []);
      registry.add(entry(123, null));
      registry.remove(123);
      assert.deepEqual(registry.live(), []);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

test("the replicas of a server that still runs are left alone", async () => {
  await withDir(async (file) => {
    const server = idle();
    const replica = idle();
    try {
      await waitUntil("start times", () => readStartTime(server.pid!) && readStartTime(replica.pid!));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ owner: { pid: server.pid, startTime: readStartTime(server.pid!) }, replicas: [entry(replica.pid!, readStartTime(replica.pid!))] }));
      assert.equal(new ProcessRegistry(file, silentLogger).cleanupOrphans(), 0);
      assert.ok(isAlive(replica.pid!));
    } finally {
      server.kill("SIGKILL");
      replica.kill("SIGKILL");
    }
  });
});

test("a malformed registry or dangerous group ids kill nothing", async () => {
  await withDir(async (file) => {
    const registry = new ProcessRegistry(file, silentLogger);
    registry.cleanupOrphans();
    writeFileSync(file, "{ not json");
    assert.equal(registry.cleanupOrphans(), 0);
    writeFileSync(file, JSON.stringify({ owner: null, replicas: [entry(0, "1"), entry(1, "1"), { pid: "x" }] }));
    assert.equal(registry.cleanupOrphans(), 0);
    assert.equal(signalGroup(0, "SIGKILL"), false);
    assert.equal(signalGroup(1, "SIGKILL"), false);
    assert.equal(signalGroup(-5, "SIGKILL"), false);
  });
});
