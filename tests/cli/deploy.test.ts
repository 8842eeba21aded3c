import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeApi, waitFor, type FakeApi } from "../../src/api/fake-api.js";
import type { FakeControl } from "../../src/api/fake-control.js";
import type { DeployResult } from "../../src/control/types.js";
import { EbbError } from "../../src/kit/errors.js";
import { ebb } from "./harness.js";

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ebb-deploy-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function withApi(afterDeploy: ((r: DeployResult, fake: FakeControl) => void) | undefined, fn: (api: FakeApi) => Promise<void>): Promise<void> {
  const api = await startFakeApi({ control: afterDeploy ? { afterDeploy } : {} });
  try {
    await fn(api);
  } finally {
    await api.close();
  }
}

const hello = "name: hello\ncommand: [node, server.mjs]\nscaling:\n  replicas: [0, 2]\n";

test("deploy loads every file, sends all apps with their workdir and prints one line each", async () => {
  const cwd = folder({
    "hello.yaml": hello,
    "more.json": JSON.stringify({ apps: [{ name: "api", command: ["x"] }] }),
    "worker.ts": 'export const worker = { name: "worker", command: ["node", "w.mjs"] };\n',
  });
  await withApi(undefined, async (api) => {
    const { code, stdout, stderr } = await ebb(api, ["deploy", "hello.yaml", "more.json", "worker.ts"], { cwd });
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      [
        "hello   created  revision 1  http://hello.localhost:8080",
        "api     created  revision 1  http://api.localhost:8080",
        "worker  created  revision 1  http://worker.localhost:8080",
        "",
      ].join("\n"),
    );
    assert.deepEqual(api.control.listApps().map((a) => [a.name, a.spec.workdir]), [["hello", cwd], ["api", cwd], ["worker", cwd]]);
    const again = await ebb(api, ["deploy", "hello.yaml"], { cwd });
    assert.equal(again.stdout, "hello  unchanged  revision 1  http://hello.localhost:8080\n");
  });
});

test("invalid specs print every problem as file: path: message and call no server", async () => {
  const cwd = folder({
    "a.yaml": "name: a\ncommand: [x]\nscaling:\n  replicas: [3, 1]\n  scaledown_after: 60\n",
    "b.yaml": "name: ok\ncommand: [x]\n---\nname: a\ncommand: [y]\n",
  });
  // Port 9 on 127.0.0.1 answers nothing: a call would fail as unreachable, not as invalid.
  const { code, stdout, stderr } = await ebb(undefined, ["deploy", "a.yaml", "b.yaml", "--server", "http://127.0.0.1:9", "--token", "t"], { cwd });
  assert.equal(code, 1);
  assert.equal(stdout, "");
  const lines = stderr.trimEnd().split("\n");
  assert.match(lines[0]!, /^error: 3 problems in the manifests; nothing was deployed:$/);
  assert.ok(lines.some((l) => /^ {2}a\.yaml: apps\[0\]\.scaling\.replicas.*: .*/.test(l)), stderr);
  assert.ok(lines.some((l) => /^ {2}a\.yaml: apps\[0\]\.scaling\.scaledown_after: .*scaledownAfter/.test(l)), stderr);
  assert.ok(lines.some((l) => /^ {2}b\.yaml: apps\[1\]\.name: .*already used/.test(l)), stderr);
  assert.doesNotMatch(stderr, /cannot reach/);
});

test("problems the server finds are mapped back to their files too", async () => {
  const cwd = folder({ "one.yaml": hello, "two.yaml": "name: other\ncommand: [x]\n" });
  await withApi(undefined, async (api) => {
    api.control.deploy = async () => {
      const problem = { path: "apps[1].name", value: "other", rule: "duplicate", message: "host taken" };
      throw new EbbError("APP_SPEC_INVALID", "1 problem", { problems: [problem] });
    };
    const { code, stderr } = await ebb(api, ["deploy", "one.yaml", "two.yaml"], { cwd });
    assert.equal(code, 1);
    assert.equal(stderr, "error: 1 problem in the manifests; nothing was deployed:\n  two.yaml: apps[0].name: host taken\n");
  });
});

test("an unreadable manifest is reported with its file", async () => {
  const cwd = folder({ "bad.yaml": "name: a\ncommand: [x\n" });
  const { code, stderr } = await ebb(undefined, ["deploy", "bad.yaml", "--token", "t"], { cwd });
  assert.equal(code, 1);
  assert.match(stderr, /^error: bad\.yaml: invalid YAML at line \d+, column \d+: /);
  assert.equal(stderr.split("\n").length, 2);
});

const rollout = (steps: Array<"started" | "ready" | "complete" | "crash" | "failed" | "old">) => (r: DeployResult, fake: FakeControl) => {
  for (const step of steps) {
    const base = { app: r.name, revision: r.revision, data: {} };
    if (step === "old") fake.emit({ ...base, revision: r.revision - 1, type: "RolloutComplete", message: "an older revision" });
    if (step === "started") fake.emit({ ...base, type: "ReplicaStarted", message: `Replica ${r.name}-r${r.revision}-1 started (pid 42)` });
    if (step === "ready") fake.emit({ ...base, type: "ReplicaReady", message: `Replica ${r.name}-r${r.revision}-1 ready in 120 ms` });
    if (step === "complete") fake.emit({ ...base, type: "RolloutComplete", message: `Revision ${r.revision} is serving (1 ready)` });
    if (step === "crash") fake.emit({ ...base, type: "CrashLoop", message: `Crash loop in revision ${r.revision}: exited with code 1: Error: missing module` });
    if (step === "failed") fake.emit({ ...base, type: "RolloutFailed", message: `Revision ${r.revision} could not become ready: startup timeout` });
  }
};

test("deploy --wait follows the rollout and exits 0 once the revision serves", async () => {
  const cwd = folder({ "hello.yaml": hello });
  await withApi(rollout(["old", "started", "ready", "complete"]), async (api) => {
    api.control.emit({ app: "hello", type: "Deleted", revision: null, message: "before this deploy", data: {} });
    const { code, stdout, stderr } = await ebb(api, ["deploy", "hello.yaml", "--wait"], { cwd });
    assert.equal(code, 0, stderr);
    assert.equal(
      stdout,
      [
        "hello  created  revision 1  http://hello.localhost:8080",
        "  hello: Deployed revision 1",
        "  hello: ReplicaStarted: Replica hello-r1-1 started (pid 42)",
        "  hello: ReplicaReady: Replica hello-r1-1 ready in 120 ms",
        "  hello: RolloutComplete: Revision 1 is serving (1 ready)",
        "",
      ].join("\n"),
    );
    await waitFor("the stream to close", () => api.control.eventSubscribers === 0);
    const unchanged = await ebb(api, ["deploy", "hello.yaml", "--wait", "--timeout", "1h"], { cwd });
    assert.deepEqual([unchanged.code, unchanged.stdout], [0, "hello  unchanged  revision 1  http://hello.localhost:8080\n"]);
  });
});

test("deploy --wait exits 1 with the cause on a crash loop or a failed rollout", async () => {
  for (const [step, cause] of [
    ["crash", "Crash loop in revision 1: exited with code 1: Error: missing module"],
    ["failed", "Revision 1 could not become ready: startup timeout"],
  ] as const) {
    const cwd = folder({ "hello.yaml": hello });
    await withApi(rollout(["started", step]), async (api) => {
      const { code, stdout, stderr } = await ebb(api, ["deploy", "hello.yaml", "--wait"], { cwd });
      assert.equal(code, 1, step);
      assert.match(stdout, /ReplicaStarted/);
      assert.equal(stderr, `error: hello revision 1 failed: ${cause}\n`);
    });
  }
});

test("deploy --wait with several apps waits for each, and times out naming the ones left", async () => {
  const cwd = folder({ "apps.yaml": "apps:\n  - name: a\n    command: [x]\n  - name: b\n    command: [y]\n" });
  const onlyA = (r: DeployResult, fake: FakeControl) => {
    if (r.name === "a") rollout(["complete"])(r, fake);
  };
  await withApi(onlyA, async (api) => {
    const { code, stdout, stderr } = await ebb(api, ["deploy", "apps.yaml", "--wait", "--timeout", "1s"], { cwd });
    assert.equal(code, 1);
    assert.match(stdout, /a: RolloutComplete/);
    assert.equal(stderr, "error: timed out after 1s waiting for b (revision 1) to roll out; see `ebb events`\n");
  });
});

test("an interrupt ends deploy --wait with exit 1 and no error line", async () => {
  const cwd = folder({ "hello.yaml": hello });
  await withApi(undefined, async (api) => {
    const ac = new AbortController();
    const run = ebb(api, ["deploy", "hello.yaml", "--wait"], { cwd, signal: ac.signal });
    await waitFor("the rollout stream", () => api.control.eventSubscribers === 1);
    ac.abort();
    const { code, stderr } = await run;
    assert.deepEqual([code, stderr], [1, ""]);
  });
});
