import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { parseScalingJson, parseSweep, validScaling } from "./sweep.js";

const base = validScaling({ replicas: [0, 4], scaledownAfter: 60, metric: { concurrency: 10 }, concurrencyLimit: 20 }, "test");

test("--scaling JSON goes through the spec validator and gets its defaults", () => {
  assert.deepEqual(parseScalingJson('{"replicas":[0,10],"scaledownAfter":"10m"}'), {
    replicas: [0, 10],
    scaledownAfter: 600,
    metric: { concurrency: 100 },
  });
});

test("a bad scaling block is SIM_OPTIONS_INVALID naming the flag and each problem's path", () => {
  assert.throws(() => parseScalingJson("{replicas"), (err) => isEbbError(err, "SIM_OPTIONS_INVALID") && err.message.startsWith("--scaling: not JSON"));
  assert.throws(
    () => parseScalingJson('{"replicas":[3,1],"scaledown_after":5}'),
    (err) => isEbbError(err, "SIM_OPTIONS_INVALID") && /scaling\.replicas\[1\]/.test(err.message) && /scaledown_after/.test(err.message),
  );
});

test("each sweep key sets its field; values keep their typed form", () => {
  const pick = (text: string) => parseSweep(text, base).variants.map((v) => [v.value, v.scaling] as const);
  assert.deepEqual(pick("scaledownAfter=30,5m").map(([v, s]) => [v, s.scaledownAfter]), [[30, 30], ["5m", 300]]);
  assert.deepEqual(pick("min=1,2").map(([, s]) => s.replicas), [[1, 4], [2, 4]]);
  assert.deepEqual(pick("max=1,8").map(([, s]) => s.replicas), [[0, 1], [0, 8]]);
  assert.deepEqual(pick("target=2,50").map(([, s]) => s.metric), [{ concurrency: 2 }, { concurrency: 50 }]);
  assert.deepEqual(pick("concurrencyLimit=1").map(([, s]) => s.concurrencyLimit), [1]);
  const rate = validScaling({ metric: { requestRate: 5 } }, "test");
  assert.deepEqual(parseSweep("target=9", rate).variants[0]!.scaling.metric, { requestRate: 9 });
});

test("an unknown key, an empty value or a value the spec refuses is SIM_OPTIONS_INVALID", () => {
  for (const text of ["ttl=1,2", "scaledownAfter", "scaledownAfter=1,,2", "min=5", "target=0", "scaledownAfter=-1"]) {
    assert.throws(() => parseSweep(text, base), (err) => isEbbError(err, "SIM_OPTIONS_INVALID") && err.message.startsWith("--sweep"), text);
  }
});
