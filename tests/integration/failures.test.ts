/**
 * What users see when things go wrong, end to end: a crashing app fails fast with its cause, an
 * invalid manifest changes nothing, a protected app refuses requests without the token.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { app, slowServer, startEbb } from "./harness.js";

const cli = resolve(import.meta.dirname, "..", "..", "src", "cmd", "main.js");
const run = promisify(execFile);

const crasher = `console.error("Error: boom, the config file is missing"); process.exit(3);`;

test("a crashing app ends in CRASH_LOOP and a waiting request gets 503 naming the cause", async () => {
  const ebb = await startEbb({ runtime: { backoffBaseMs: 50 } });
  try {
    const dir = ebb.writeApp("crashy", { "server.mjs": crasher });
    await ebb.client.deploy([app("crashy", dir, { scaling: { replicas: [0, 1] } })]);
    // Sent while the first start is still failing: it waits, then gets the cause.
    const res = await ebb.fetchApp("crashy", "/");
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers["retry-after"]) >= 1, "Retry-After");
    const body = JSON.parse(res.body) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "GATEWAY_APP_UNAVAILABLE");
    assert.match(body.error.message, /boom, the config file is missing/);
    assert.match(body.error.message, /code 3/);

    const view = await ebb.client.getApp("crashy");
    assert.equal(view.status.substate, "CRASH_LOOP");
    assert.equal(view.status.deploymentStatus, "FAILED");
    // Later requests are answered at once, not after a timeout.
    const again = await ebb.fetchApp("crashy", "/");
    assert.equal(again.status, 503);
    assert.ok(again.firstByteMs < 1000, `answered in ${again.firstByteMs} ms`);
    assert.ok(ebb.events("crashy").some((e) => e.type === "CrashLoop"));
  } finally {
    await ebb.close();
  }
});

test("an invalid manifest exits non-zero listing every problem and leaves the running version untouched", async () => {
  const ebb = await startEbb();
  try {
    const dir = ebb.writeApp("steady", { "server.mjs": slowServer });
    await ebb.client.deploy([app("steady", dir, { scaling: { replicas: [1, 1] }, env: { VERSION: "good" } })]);
    await ebb.waitForEvent("steady", (e) => e.type === "RolloutComplete");
    const before = await ebb.client.getApp("steady");

    const manifest = join(dir, "bad.yaml");
    writeFileSync(
      manifest,
      [
        "name: steady",
        `command: ["${process.execPath}", "server.mjs"]`,
        "env: { VERSION: bad }",
        "scaling:",
        "  replicas: [3, 1]",
        "  scaledown_after: 30",
        "  metric: { concurrency: 0 }",
        "timeouts: { request: 7200 }",
      ].join("\n"),
    );
    const failed = await run(process.execPath, [cli, "deploy", manifest, "--server", ebb.server.apiUrl, "--token", ebb.server.token]).then(
      () => assert.fail("deploy should fail"),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    assert.equal(failed.code, 1);
    const out = failed.stdout + failed.stderr;
    assert.match(out, /scaling\.replicas/);
    assert.match(out, /scaledown_after.*scaledownAfter/);
    assert.match(out, /metric\.concurrency/);
    assert.match(out, /timeouts\.request/);
    assert.match(out, /nothing was deployed/);

    const after = await ebb.client.getApp("steady");
    assert.equal(after.specHash, before.specHash);
    assert.equal(after.revision, before.revision);
    assert.equal(JSON.parse((await ebb.fetchApp("steady", "/")).body).env, "good");
  } finally {
    await ebb.close();
  }
});

test("a requiresAuth app answers 401 without the token and serves with it", async () => {
  const ebb = await startEbb();
  try {
    const dir = ebb.writeApp("private", { "server.mjs": slowServer });
    await ebb.client.deploy([app("private", dir, { requiresAuth: true, scaling: { replicas: [1, 1] } })]);
    await ebb.waitForEvent("private", (e) => e.type === "RolloutComplete");
    const denied = await ebb.fetchApp("private", "/");
    assert.equal(denied.status, 401);
    assert.match(String(denied.headers["www-authenticate"]), /^Bearer/);
    assert.equal((await ebb.fetchApp("private", "/", { headers: { authorization: "Bearer wrong" } })).status, 401);
    const ok = await ebb.fetchApp("private", "/", { headers: { authorization: `Bearer ${ebb.server.token}` } });
    assert.equal(ok.status, 200);
  } finally {
    await ebb.close();
  }
});
