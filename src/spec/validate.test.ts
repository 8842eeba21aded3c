import { test } from "node:test";
import assert from "node:assert/strict";
import { type ProblemRule, problemRules } from "./problem.js";
import type { AppSpec } from "./types.js";
import { type ValidateOptions, validateApp } from "./validate.js";

/** One rule broken (or kept) per row: the base manifest with `patch` applied (undefined deletes a key). */
interface Row {
  title: string;
  patch: Record<string, unknown>;
  opts?: ValidateOptions;
  /** [path, value, rule] of every problem expected, in order; absent for a valid row. */
  problems?: [string, unknown, ProblemRule][];
  /** A fragment the first problem's message must contain. */
  says?: string;
  /** For a valid row: the part of the normalized spec to check, and its expected value. */
  pick?: (spec: AppSpec) => unknown;
  want?: unknown;
}

const base = { name: "hello", command: ["node", "server.js"] };

function run(row: Row) {
  const raw: Record<string, unknown> = { ...base, ...row.patch };
  for (const [k, v] of Object.entries(row.patch)) if (v === undefined) delete raw[k];
  return validateApp(raw, row.opts ?? { defaultWorkdir: "/srv/hello" });
}

const rows: Row[] = [
  // type
  { title: "name must be a string", patch: { name: 5 }, problems: [["name", 5, "type"]], says: "expected a string, got a number" },
  { title: "command as a string suggests argv", patch: { command: "node server.js" }, problems: [["command", "node server.js", "type"]], says: 'write ["node", "server.js"]' },
  { title: "command items are strings", patch: { command: ["node", 3] }, problems: [["command[1]", 3, "type"]] },
  { title: "env values are strings, naming the key", patch: { env: { WORKERS: 3, DEBUG: true } }, problems: [["env.WORKERS", 3, "type"], ["env.DEBUG", true, "type"]], says: 'env WORKERS must be a string; quote it: WORKERS: "3"' },
  { title: "env is a map", patch: { env: ["A=1"] }, problems: [["env", ["A=1"], "type"]] },
  { title: "scaling is an object", patch: { scaling: [0, 3] }, problems: [["scaling", [0, 3], "type"]], says: "expected an object with keys replicas" },
  { title: "replicas are numbers", patch: { scaling: { replicas: "3" } }, problems: [["scaling.replicas", "3", "type"]] },
  { title: "replica bounds are numbers", patch: { scaling: { replicas: [0, "3"] } }, problems: [["scaling.replicas[1]", "3", "type"]] },
  { title: "metric is an object", patch: { scaling: { metric: 10 } }, problems: [["scaling.metric", 10, "type"]] },
  { title: "requiresAuth is a boolean", patch: { requiresAuth: "no" }, problems: [["requiresAuth", "no", "type"]], says: "expected true or false" },
  { title: "timeouts are seconds or durations", patch: { timeouts: { request: true } }, problems: [["timeouts.request", true, "type"]] },
  { title: "readiness path is a string", patch: { readiness: { path: 80 } }, problems: [["readiness.path", 80, "type"]] },
  { title: "domains is a list", patch: { domains: "a.test" }, problems: [["domains", "a.test", "type"]] },
  { title: "cpu is a number or a string", patch: { resources: { cpu: true } }, problems: [["resources.cpu", true, "type"]] },
  { title: "workdir is required without a default", patch: {}, opts: {}, problems: [["workdir", undefined, "required"]] },
  // required
  { title: "name is required", patch: { name: undefined }, problems: [["name", undefined, "required"]] },
  { title: "command is required", patch: { command: undefined }, problems: [["command", undefined, "required"]] },
  // unknownKey
  { title: "snake_case key suggests camelCase", patch: { scaling: { scaledown_after: 60 } }, problems: [["scaling.scaledown_after", 60, "unknownKey"]], says: 'did you mean "scaledownAfter"?' },
  { title: "near miss suggests the key", patch: { scaling: { replica: [0, 3] } }, problems: [["scaling.replica", [0, 3], "unknownKey"]], says: 'did you mean "replicas"?' },
  { title: "top-level snake_case", patch: { requires_auth: false }, problems: [["requires_auth", false, "unknownKey"]], says: 'did you mean "requiresAuth"?' },
  { title: "metric key typo", patch: { scaling: { metric: { concurency: 10 } } }, problems: [["scaling.metric.concurency", 10, "unknownKey"]], says: 'did you mean "concurrency"?' },
  { title: "no close key lists the known ones", patch: { image: "node:20" }, problems: [["image", "node:20", "unknownKey"]], says: "known keys: name, command" },
  { title: "nested sections reject unknown keys", patch: { timeouts: { idle: 5 }, readiness: { port: 1 }, resources: { gpu: 1 } }, problems: [["timeouts.idle", 5, "unknownKey"], ["readiness.port", 1, "unknownKey"], ["resources.gpu", 1, "unknownKey"]] },
  // dnsLabel
  { title: "upper case name suggests lower case", patch: { name: "Hello" }, problems: [["name", "Hello", "dnsLabel"]], says: 'did you mean "hello"?' },
  { title: "name cannot start with '-'", patch: { name: "-api" }, problems: [["name", "-api", "dnsLabel"]] },
  { title: "name has no '_'", patch: { name: "my_app" }, problems: [["name", "my_app", "dnsLabel"]] },
  { title: "name is at most 63 characters", patch: { name: "a".repeat(64) }, problems: [["name", "a".repeat(64), "dnsLabel"]] },
  { title: "name of 63 characters, digit first", patch: { name: `0${"a".repeat(62)}` }, pick: (s) => s.name.length, want: 63 },
  // hostName
  { title: "domains are lower case", patch: { domains: ["API.example.test"] }, problems: [["domains[0]", "API.example.test", "hostName"]], says: 'write it in lower case: "api.example.test"' },
  { title: "domains are host names", patch: { domains: ["x..y", "a.test.", "-a.test"] }, problems: [["domains[0]", "x..y", "hostName"], ["domains[1]", "a.test.", "hostName"], ["domains[2]", "-a.test", "hostName"]] },
  { title: "valid domains", patch: { domains: ["api.example.test", "x.localhost"] }, pick: (s) => s.domains, want: ["api.example.test", "x.localhost"] },
  // nonEmpty
  { title: "command is not empty", patch: { command: [] }, problems: [["command", [], "nonEmpty"]] },
  { title: "arguments are not empty", patch: { command: ["node", ""] }, problems: [["command[1]", "", "nonEmpty"]] },
  // absolutePath and workdir resolution
  { title: "relative workdir without a default", patch: { workdir: "app" }, opts: {}, problems: [["workdir", "app", "absolutePath"]] },
  { title: "relative workdir resolves against the default", patch: { workdir: "./api/../web" }, pick: (s) => s.workdir, want: "/srv/hello/web" },
  { title: "absolute workdir is normalized", patch: { workdir: "/opt//app/" }, pick: (s) => s.workdir, want: "/opt/app" },
  // envName and reserved
  { title: "env names are variable names", patch: { env: { "1A": "x", "A-B": "y", _OK1: "z" } }, problems: [['env["1A"]', "x", "envName"], ['env["A-B"]', "y", "envName"]] },
  { title: "PORT is reserved", patch: { env: { PORT: "3000" } }, problems: [["env.PORT", "3000", "reserved"]], says: "set by ebb" },
  // integer
  { title: "replicas are integers", patch: { scaling: { replicas: [0.5, 2] } }, problems: [["scaling.replicas[0]", 0.5, "integer"]] },
  { title: "one replica count is an integer", patch: { scaling: { replicas: 1.5 } }, problems: [["scaling.replicas", 1.5, "integer"]] },
  { title: "concurrencyLimit is an integer", patch: { scaling: { concurrencyLimit: 2.5 } }, problems: [["scaling.concurrencyLimit", 2.5, "integer"]] },
  // minimum
  { title: "min replicas >= 0", patch: { scaling: { replicas: [-1, 1] } }, problems: [["scaling.replicas[0]", -1, "minimum"]] },
  { title: "max replicas >= 1", patch: { scaling: { replicas: [0, 0] } }, problems: [["scaling.replicas[1]", 0, "minimum"]] },
  { title: "one count n >= 1", patch: { scaling: { replicas: 0 } }, problems: [["scaling.replicas", 0, "minimum"]], says: "write [0, 1]" },
  { title: "metric targets >= 1", patch: { scaling: { metric: { concurrency: 0 } } }, problems: [["scaling.metric.concurrency", 0, "minimum"]] },
  { title: "request rate >= 1", patch: { scaling: { metric: { requestRate: 0.5 } } }, problems: [["scaling.metric.requestRate", 0.5, "minimum"]] },
  { title: "scaledownAfter >= 0", patch: { scaling: { scaledownAfter: -1 } }, problems: [["scaling.scaledownAfter", -1, "minimum"]] },
  { title: "concurrencyLimit >= 1", patch: { scaling: { concurrencyLimit: 0 } }, problems: [["scaling.concurrencyLimit", 0, "minimum"]] },
  { title: "timeouts > 0", patch: { timeouts: { request: 0, startup: "0s" } }, problems: [["timeouts.request", 0, "minimum"], ["timeouts.startup", "0s", "minimum"]] },
  { title: "cpu and memory > 0", patch: { resources: { cpu: 0, memory: 0 } }, problems: [["resources.cpu", 0, "minimum"], ["resources.memory", 0, "minimum"]] },
  // maximum
  { title: "request timeout <= 1 h", patch: { timeouts: { request: 3601, startup: "1h1s" } }, problems: [["timeouts.request", 3601, "maximum"], ["timeouts.startup", "1h1s", "maximum"]], says: "must be <= 3600 s (1h)" },
  { title: "timeouts of exactly 1 h", patch: { timeouts: { request: "1h", startup: 3600 } }, pick: (s) => s.timeouts, want: { request: 3600, startup: 3600 } },
  // pair and maxAtLeastMin
  { title: "replicas is a pair", patch: { scaling: { replicas: [1, 2, 3] } }, problems: [["scaling.replicas", [1, 2, 3], "pair"]] },
  { title: "max >= min", patch: { scaling: { replicas: [3, 1] } }, problems: [["scaling.replicas[1]", 1, "maxAtLeastMin"]], says: "min replicas (3)" },
  { title: "one count n means [n, n]", patch: { scaling: { replicas: 2 } }, pick: (s) => s.scaling.replicas, want: [2, 2] },
  // duration
  { title: "durations have units", patch: { scaling: { scaledownAfter: "300" } }, problems: [["scaling.scaledownAfter", "300", "duration"]], says: 'write "300s"' },
  { title: "durations use h, m, s, ms", patch: { timeouts: { request: "1d" }, scaling: { scaledownAfter: "5 minutes" } }, problems: [["scaling.scaledownAfter", "5 minutes", "duration"], ["timeouts.request", "1d", "duration"]] },
  { title: "durations normalize to seconds", patch: { scaling: { scaledownAfter: "1h30m" }, timeouts: { request: "500ms" } }, pick: (s) => [s.scaling.scaledownAfter, s.timeouts.request], want: [5400, 0.5] },
  // quantity
  { title: "memory is a quantity", patch: { resources: { memory: "512MB" } }, problems: [["resources.memory", "512MB", "quantity"]] },
  { title: "cpu is a quantity", patch: { resources: { cpu: "two" } }, problems: [["resources.cpu", "two", "quantity"]] },
  { title: "quantities normalize", patch: { resources: { cpu: "500m", memory: "0.5Gi" } }, pick: (s) => s.resources, want: { cpu: 0.5, memory: "512Mi" } },
  // exactlyOne
  { title: "metric needs a key", patch: { scaling: { metric: {} } }, problems: [["scaling.metric", {}, "exactlyOne"]] },
  { title: "metric has one key", patch: { scaling: { metric: { concurrency: 5, requestRate: 5 } } }, problems: [["scaling.metric", { concurrency: 5, requestRate: 5 }, "exactlyOne"]] },
  { title: "request rate metric", patch: { scaling: { metric: { requestRate: 50 } } }, pick: (s) => s.scaling.metric, want: { requestRate: 50 } },
  // urlPath
  { title: "readiness path starts with '/'", patch: { readiness: { path: "healthz" } }, problems: [["readiness.path", "healthz", "urlPath"]] },
  { title: "readiness path has no spaces", patch: { readiness: { path: "/a b" } }, problems: [["readiness.path", "/a b", "urlPath"]] },
  { title: "readiness path null is TCP", patch: { readiness: { path: null } }, pick: (s) => s.readiness, want: { path: null } },
  // duplicate
  { title: "a domain listed twice", patch: { domains: ["a.test", "a.test"] }, problems: [["domains[1]", "a.test", "duplicate"]] },
  { title: "a domain equal to the app's own host", patch: { domains: ["hello.localhost"] }, problems: [["domains[0]", "hello.localhost", "duplicate"]] },
];

for (const row of rows) {
  test(`rule ${row.problems ? row.problems[0]![2] : "valid"}: ${row.title}`, () => {
    const result = run(row);
    if (!row.problems) {
      assert.ok(result.ok, `expected a valid spec, got ${JSON.stringify(!result.ok && result.problems)}`);
      assert.deepEqual(row.pick!(result.spec), row.want);
      return;
    }
    assert.equal(result.ok, false);
    const problems = result.ok ? [] : result.problems;
    assert.deepEqual(problems.map((p) => [p.path, p.value, p.rule]), row.problems);
    for (const p of problems) assert.match(p.message, /\S{3}/);
    if (row.says) assert.ok(problems[0]!.message.includes(row.says), `message "${problems[0]!.message}" lacks "${row.says}"`);
  });
}

test("the table covers every rule of the catalogue of problem rules", () => {
  const covered = new Set(rows.flatMap((r) => (r.problems ?? []).map((p) => p[2])));
  assert.deepEqual([...covered].sort(), Object.keys(problemRules).sort());
});

test("a minimal manifest gets every default", () => {
  const result = validateApp({ name: "hello", command: ["node", "server.js"] }, { defaultWorkdir: "/srv/hello" });
  assert.ok(result.ok);
  assert.deepEqual(result.spec, {
    name: "hello",
    command: ["node", "server.js"],
    workdir: "/srv/hello",
    env: {},
    scaling: { replicas: [0, 1], scaledownAfter: 300, metric: { concurrency: 100 } },
    timeouts: { request: 300, startup: 300 },
    readiness: { path: null },
    requiresAuth: true,
    resources: { cpu: 0.25, memory: "256Mi" },
    domains: [],
  } satisfies AppSpec);
  assert.equal("concurrencyLimit" in result.spec.scaling, false);
});

test("the documented manifest normalizes field by field", () => {
  const result = validateApp({
    name: "hello",
    command: ["node", "server.js"],
    workdir: "/abs/path",
    env: { GREETING: "hi" },
    scaling: { replicas: [0, 3], scaledownAfter: "5m", metric: { concurrency: 10 }, concurrencyLimit: 20 },
    timeouts: { request: 300, startup: "2m" },
    readiness: { path: "/healthz" },
    requiresAuth: false,
    resources: { cpu: 1, memory: 536870912 },
    domains: ["api.example.test"],
  });
  assert.ok(result.ok);
  assert.deepEqual(result.spec.scaling, { replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 }, concurrencyLimit: 20 });
  assert.deepEqual(result.spec.timeouts, { request: 300, startup: 120 });
  assert.deepEqual(result.spec.resources, { cpu: 1, memory: "512Mi" });
  assert.equal(result.spec.workdir, "/abs/path");
});

test("every problem is reported at once, in field order, with the path prefix", () => {
  const raw = {
    name: "Bad_Name",
    command: "node server.js",
    env: { PORT: "1" },
    scaling: { replicas: [3, 1], scaledown_after: "5m", metric: { concurrency: 0 } },
    timeouts: { request: "2h" },
    requiresAuth: "yes",
    resources: { memory: "lots" },
  };
  const expected = [
    ["apps[2].name", "dnsLabel"],
    ["apps[2].command", "type"],
    ["apps[2].env.PORT", "reserved"],
    ["apps[2].scaling.scaledown_after", "unknownKey"],
    ["apps[2].scaling.replicas[1]", "maxAtLeastMin"],
    ["apps[2].scaling.metric.concurrency", "minimum"],
    ["apps[2].timeouts.request", "maximum"],
    ["apps[2].requiresAuth", "type"],
    ["apps[2].resources.memory", "quantity"],
  ];
  for (const path of ["apps[2].", "apps[2]"]) {
    const result = validateApp(raw, { defaultWorkdir: "/srv", path });
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems.map((p) => [p.path, p.rule]), expected);
  }
});

test("a spec that is not an object is one problem at the root", () => {
  for (const raw of [null, "hello", [1], 3]) {
    const result = validateApp(raw, { path: "apps[0]" });
    assert.deepEqual(result.ok ? [] : result.problems.map((p) => [p.path, p.value, p.rule]), [["apps[0]", raw, "type"]]);
  }
});

test("the normalized spec is frozen and shares nothing with the input", () => {
  const raw = { name: "hello", command: ["node"], env: { A: "1" }, scaling: { replicas: [1, 2] } };
  const result = validateApp(raw, { defaultWorkdir: "/srv" });
  assert.ok(result.ok);
  assert.ok(Object.isFrozen(result.spec) && Object.isFrozen(result.spec.scaling.replicas) && Object.isFrozen(result.spec.env));
  raw.scaling.replicas[1] = 9;
  raw.env.A = "2";
  assert.deepEqual([result.spec.scaling.replicas, result.spec.env], [[1, 2], { A: "1" }]);
});

test("a normalized spec is itself a valid manifest that normalizes to itself", () => {
  const first = validateApp(
    { name: "hello", command: ["node"], scaling: { replicas: 2, scaledownAfter: "90s", concurrencyLimit: 4 }, resources: { memory: "1G" } },
    { defaultWorkdir: "/srv" },
  );
  assert.ok(first.ok);
  const second = validateApp(JSON.parse(JSON.stringify(first.spec)));
  assert.ok(second.ok);
  assert.deepEqual(second.spec, first.spec);
});
