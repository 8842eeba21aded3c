import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startFakeApi, type FakeApi } from "../api/fake-api.js";
import { runCli } from "./run.js";

let api: FakeApi;
before(async () => {
  api = await startFakeApi();
  await api.control.deploy([{ name: "web", command: ["node", "s.js"], scaling: { replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 } } }]);
});
after(() => api.close());

async function ebb(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: { EBB_SERVER: api.url, EBB_TOKEN: api.token }, cwd: "/" };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

test("scale changes scaledownAfter and the metric target in place and prints the result", async () => {
  const r = await ebb("scale", "web", "--scaledown-after", "10m", "--concurrency", "20");
  assert.deepEqual(r, { code: 0, stdout: "web: reconfigured (revision 1): replicas [0, 3], scaledownAfter 10m, concurrency 20\n", stderr: "" });
  assert.deepEqual(api.control.getApp("web").spec.scaling, { replicas: [0, 3], scaledownAfter: 600, metric: { concurrency: 20 } });
});

test("one end of the replicas pair keeps the other; --request-rate switches the metric; --json prints the result", async () => {
  assert.equal((await ebb("scale", "web", "--max", "5")).code, 0);
  assert.deepEqual(api.control.getApp("web").spec.scaling.replicas, [0, 5]);
  assert.equal((await ebb("scale", "web", "--min", "1", "--scaledown-after", "0")).code, 0);
  assert.deepEqual([api.control.getApp("web").spec.scaling.replicas, api.control.getApp("web").spec.scaling.scaledownAfter], [[1, 5], 0]);
  const r = await ebb("scale", "web", "--request-rate", "2.5", "--json");
  assert.deepEqual(JSON.parse(r.stdout), { name: "web", revision: 1, outcome: "reconfigured", url: "http://web.localhost:8080" });
  assert.deepEqual(api.control.getApp("web").spec.scaling.metric, { requestRate: 2.5 });
});

test("usage errors exit 2 naming the problem; an unknown app exits 1", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["scale", "web"], /nothing to change/],
    [["scale"], /missing APP/],
    [["scale", "web", "--min", "-1"], /--min must be a whole number from 0/],
    [["scale", "web", "--concurrency", "0"], /--concurrency must be a number above 0/],
    [["scale", "web", "--concurrency", "2", "--request-rate", "2"], /not both/],
    [["scale", "web", "--scaledown-after", "10"], /--scaledown-after must be a duration.*no unit/],
  ];
  for (const [argv, message] of cases) {
    const r = await ebb(...argv);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, message);
  }
  const missing = await ebb("scale", "nope", "--max", "2");
  assert.deepEqual([missing.code, missing.stderr], [1, "error: no app named 'nope'\n"]);
});
