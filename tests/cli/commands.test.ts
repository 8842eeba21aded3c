import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeApi, type FakeApi } from "../../src/api/fake-api.js";
import { ebb, timePattern } from "./harness.js";

let api: FakeApi;
before(async () => {
  api = await startFakeApi({ control: { now: () => Date.parse("2025-03-01T12:00:00.250Z") } });
  await api.control.deploy([
    { name: "hello", command: ["node", "s.mjs"], scaling: { replicas: [0, 5] } },
    { name: "api", command: ["x"], scaling: { replicas: [1, 3], concurrencyLimit: 20 } },
  ]);
  api.control.setStatus("api", {
    deploymentStatus: "ACTIVE",
    substate: "RUNNING",
    message: "serving revision 1",
    replicas: { desired: 2, ready: 1, starting: 1, draining: 0 },
    lastColdStart: {
      time: "2025-03-01T12:00:00.000Z",
      revision: 1,
      replica: "api-r1-1",
      totalMs: 412,
      phases: { spawnMs: 5, listeningMs: 380, readyMs: 400, firstByteMs: 412 },
      waiting: 3,
    },
  });
});
after(() => api.close());

test("apps prints the table", async () => {
  const { code, stdout, stderr } = await ebb(api, ["apps"]);
  assert.equal(code, 0, stderr);
  assert.equal(
    stdout,
    [
      "NAME   STATUS     SUBSTATE        READY/DESIRED  MIN-MAX  URL",
      "hello  DEPLOYING  SCALED_TO_ZERO  0/0            0-5      http://hello.localhost:8080",
      "api    ACTIVE     RUNNING         1/2            1-3      http://api.localhost:8080",
      "",
    ].join("\n"),
  );
});

test("apps --json prints the AppViews", async () => {
  const { code, stdout } = await ebb(api, ["apps", "--json"]);
  assert.equal(code, 0);
  const apps = JSON.parse(stdout) as Array<{ name: string; status: { replicas: { ready: number } } }>;
  assert.deepEqual(apps.map((a) => [a.name, a.status.replicas.ready]), [["hello", 0], ["api", 1]]);
});

test("get prints a readable summary, and --json the AppView", async () => {
  const { code, stdout } = await ebb(api, ["get", "api"]);
  assert.equal(code, 0);
  assert.match(stdout, /^api\n/);
  assert.match(stdout, /status: +ACTIVE \/ RUNNING \(revision 1, wanted ACTIVE\)/);
  assert.match(stdout, /message: +serving revision 1/);
  assert.match(stdout, /replicas: +1 ready of 2 desired, 1 starting, 0 draining/);
  assert.match(stdout, /scaling: +1-3 replicas, target 100 concurrent requests per replica, at most 20 in flight, scale down after 5m idle/);
  assert.match(stdout, new RegExp(`cold start: +${timePattern}, revision 1, api-r1-1: 412 ms \\(spawn 5 ms, listening 380 ms, ready 400 ms, first byte 412 ms\\); 3 requests waited`));
  assert.match(stdout, /url: +http:\/\/api\.localhost:8080/);
  assert.match(stdout, new RegExp(`conditions \\(latest 1\\):\\n +TIME +STATUS +SUBSTATE +REV +MESSAGE\\n +${timePattern} +DEPLOYING +- +1 +revision 1\\n`));
  const json = await ebb(api, ["get", "api", "--json"]);
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout), api.control.getApp("api"));
});

test("get of an unknown app prints the server's error and exits 1", async () => {
  const { code, stdout, stderr } = await ebb(api, ["get", "nope"]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.equal(stderr, "error: no app named 'nope'\n");
});

test("events prints TIME APP TYPE MESSAGE lines, filtered by app and limit; --json one object per line", async () => {
  api.control.emit({ app: "hello", type: "ScaledUp", revision: 1, message: "ScaledUp 0->1: request arrived at zero", data: { rule: "wake" } });
  const { code, stdout } = await ebb(api, ["events", "hello", "--limit", "2"]);
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, new RegExp(`^${timePattern}  hello +Deployed +Deployed revision 1$`));
  assert.match(lines[1]!, new RegExp(`^${timePattern}  hello +ScaledUp +ScaledUp 0->1: request arrived at zero$`));
  const json = await ebb(api, ["events", "--json", "-n", "1"]);
  const objects = json.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(objects.length, 1);
  assert.deepEqual(Object.keys(objects[0]).sort(), ["app", "data", "id", "message", "revision", "time", "type"]);
  assert.deepEqual(objects[0].data, { rule: "wake" });
});

test("logs interleave events, filter by replica; --json prints entries", async () => {
  api.control.pushLog({ app: "api", replica: "api-r1-1", stream: "stdout", text: "listening on 4001" });
  api.control.pushLog({ app: "api", replica: "api-r1-2", stream: "stderr", text: "other replica" });
  const { code, stdout } = await ebb(api, ["logs", "api", "--replica", "api-r1-1"]);
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split("\n");
  assert.match(lines[0]!, new RegExp(`^${timePattern}  --- Deployed revision 1$`));
  assert.match(lines[1]!, new RegExp(`^${timePattern}  api-r1-1 +stdout  listening on 4001$`));
  assert.equal(lines.length, 2);
  const json = await ebb(api, ["logs", "api", "--json", "--limit", "1"]);
  assert.deepEqual(JSON.parse(json.stdout.trim()), { kind: "log", time: Date.parse("2025-03-01T12:00:00.250Z"), app: "api", replica: "api-r1-2", stream: "stderr", text: "other replica" });
});

test("stop, start and delete say what happened", async () => {
  await api.control.deploy([{ name: "tmp", command: ["x"] }]);
  assert.deepEqual(await ebb(api, ["stop", "tmp"]), { code: 0, stdout: "stopped tmp: STOPPED\n", stderr: "" });
  assert.deepEqual(await ebb(api, ["start", "tmp"]), { code: 0, stdout: "started tmp: ACTIVE / SCALED_TO_ZERO\n", stderr: "" });
  const del = await ebb(api, ["delete", "tmp"]);
  assert.equal(del.code, 0);
  assert.match(del.stdout, /^deleted tmp/);
  assert.equal((await ebb(api, ["delete", "tmp"])).code, 1);
});

test("token prints the data directory's token without calling a server", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "ebb-token-"));
  mkdirSync(join(cwd, ".ebb"));
  writeFileSync(join(cwd, ".ebb", "token"), "s3cret\n");
  assert.deepEqual(await ebb(undefined, ["token"], { cwd }), { code: 0, stdout: "s3cret\n", stderr: "" });
  const missing = await ebb(undefined, ["token", "--data-dir", "elsewhere"], { cwd });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, new RegExp(`^error: no API token: ${join(cwd, "elsewhere", "token")} does not exist`));
});

test("server and token come from server.json and token in the data directory", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "ebb-data-"));
  writeFileSync(join(dataDir, "server.json"), JSON.stringify({ api: api.url, gateway: "http://localhost:8080", pid: 1 }));
  writeFileSync(join(dataDir, "token"), `${api.token}\n`);
  const viaEnv = await ebb(undefined, ["apps"], { env: { EBB_DATA_DIR: dataDir } });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.match(viaEnv.stdout, /^NAME/);
  const viaFlag = await ebb(undefined, ["--data-dir", dataDir, "apps", "--json"]);
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  const wrongToken = await ebb(undefined, ["apps", `--data-dir=${dataDir}`, "--token", "nope"]);
  assert.equal(wrongToken.code, 1);
  assert.match(wrongToken.stderr, /^error: missing or wrong API token/);
});

test("an unreachable server is named with a hint", async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
  const { code, stderr } = await ebb(undefined, ["apps", "--server", url, "--token", "t"]);
  assert.equal(code, 1);
  assert.equal(stderr, `error: cannot reach ebb at ${url}: is \`ebb serve\` running? (ECONNREFUSED)\n`);
});
