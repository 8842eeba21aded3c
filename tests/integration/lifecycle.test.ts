/**
 * The server's own lifecycle with real processes: apps come back after a restart, no replica
 * outlives `ebb serve` (stopped by a signal, or killed and started again), and `deploy --wait`
 * reports success and failure through its exit code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { createClient, type EbbClient } from "../../src/api/client.js";
import { app, slowServer, startEbb, until } from "./harness.js";

const cli = resolve(import.meta.dirname, "..", "..", "src", "cmd", "main.js");
const run = promisify(execFile);

test("after a restart every app is back with at least its min replicas", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ebb-restart-"));
  try {
    const first = await startEbb({}, dataDir);
    const dir = first.writeApp("keeper", { "server.mjs": slowServer });
    await first.client.deploy([
      app("keeper", dir, { scaling: { replicas: [1, 2] } }),
      app("napper", dir, { scaling: { replicas: [0, 1], scaledownAfter: 600 } }),
    ]);
    await first.waitForEvent("keeper", (e) => e.type === "RolloutComplete");
    await first.server.close();

    const second = await startEbb({}, dataDir);
    try {
      await until(() => second.server.control.getApp("keeper").status.replicas.ready === 1, 10_000, "keeper back with 1 ready");
      const napper = await second.client.getApp("napper");
      assert.equal(napper.status.deploymentStatus, "ACTIVE");
      assert.equal(napper.status.substate, "SCALED_TO_ZERO");
      assert.equal((await second.fetchApp("napper", "/")).status, 200, "a restored app at zero wakes on request");
      assert.equal((await second.fetchApp("keeper", "/")).status, 200);
    } finally {
      await second.close();
      rmSync(first.appsDir, { recursive: true, force: true });
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

interface Served {
  child: ChildProcess;
  client: EbbClient;
  exited: Promise<number | null>;
}

async function serve(dataDir: string): Promise<Served> {
  rmSync(join(dataDir, "server.json"), { force: true });
  const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--control-port", "0", "--data-dir", dataDir, "--log-level", "error"], { stdio: "ignore" });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  await until(() => existsSync(join(dataDir, "server.json")), 15_000, "server.json");
  const { api } = JSON.parse(readFileSync(join(dataDir, "server.json"), "utf8")) as { api: string };
  const token = readFileSync(join(dataDir, "token"), "utf8").trim();
  return { child, client: createClient({ baseUrl: api, token }), exited };
}

/** Pids of the app's replicas that became ready, from events newer than `exclude` knows about. */
async function readyPids(client: EbbClient, appName: string, count: number, exclude: number[] = []): Promise<number[]> {
  let pids: number[] = [];
  await until(
    async () => {
      pids = (await client.events({ app: appName, limit: 100 }))
        .filter((e) => e.type === "ReplicaReady")
        .map((e) => Number(e.data.pid))
        .filter((pid) => !exclude.includes(pid));
      return pids.length >= count;
    },
    15_000,
    `${count} replicas of ${appName} ready`,
  );
  return pids;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("no replica outlives ebb serve: stopped by a signal, or killed and started again", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ebb-orphans-"));
  const appDir = join(dataDir, "app");
  mkdirSync(appDir);
  writeFileSync(join(appDir, "server.mjs"), slowServer);
  const seen: number[] = [];
  try {
    const a = await serve(dataDir);
    await a.client.deploy([app("pair", appDir, { scaling: { replicas: [2, 2] } })]);
    const pids = await readyPids(a.client, "pair", 2);
    seen.push(...pids);
    assert.ok(pids.every(alive));
    a.child.kill("SIGTERM");
    assert.equal(await a.exited, 0);
    assert.deepEqual(pids.filter(alive), [], "replicas stopped with the server");

    const b = await serve(dataDir);
    const again = await readyPids(b.client, "pair", 2, pids);
    seen.push(...again);
    assert.ok(again.every(alive));
    b.child.kill("SIGKILL");
    await b.exited;
    // A killed server cannot clean up; the next one kills what it left behind.
    const c = await serve(dataDir);
    try {
      await until(() => again.every((pid) => !alive(pid)), 10_000, "orphans of the killed server gone");
    } finally {
      c.child.kill("SIGTERM");
      await c.exited;
    }
  } finally {
    for (const pid of seen.filter(alive)) process.kill(pid, "SIGKILL"); // only if the test failed
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("deploy --wait exits 0 once the app serves, and 1 with the cause when it cannot start", async () => {
  const ebb = await startEbb({ runtime: { backoffBaseMs: 50 } });
  try {
    const good = ebb.writeApp("good", { "server.mjs": slowServer });
    writeFileSync(join(good, "app.yaml"), `name: good\ncommand: ["${process.execPath}", "server.mjs"]\nrequiresAuth: false\n`);
    const bad = ebb.writeApp("bad", { "server.mjs": `console.error("Error: cannot open model weights"); process.exit(1);` });
    writeFileSync(join(bad, "app.yaml"), `name: bad\ncommand: ["${process.execPath}", "server.mjs"]\n`);
    const flags = ["--server", ebb.server.apiUrl, "--token", ebb.server.token, "--wait", "--timeout", "60s"];

    const ok = await run(process.execPath, [cli, "deploy", join(good, "app.yaml"), ...flags]);
    assert.match(ok.stdout, /good\s+created/);
    assert.match(ok.stdout, /RolloutComplete/);
    assert.equal((await ebb.client.getApp("good")).status.deploymentStatus, "ACTIVE");

    const failed = await run(process.execPath, [cli, "deploy", join(bad, "app.yaml"), ...flags]).then(
      () => assert.fail("deploy --wait should fail"),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stdout + failed.stderr, /cannot open model weights/);
  } finally {
    await ebb.close();
  }
});
