import { test } from "node:test";
import assert from "node:assert/strict";
import {
  autoscalerConfigProblems,
  defaultAutoscalerConfig,
  panicWindowSec,
  resolveAutoscalerConfig,
  type AutoscalerConfig,
} from "./config.js";

test("the defaults are Knative's, in one frozen object", () => {
  assert.deepEqual(defaultAutoscalerConfig, {
    tickMs: 1000,
    stableWindowSec: 60,
    panicWindowPct: 10,
    panicThresholdPct: 200,
    maxScaleUpRate: 1000,
    maxScaleDownRate: 2,
    targetUtilization: 0.7,
  });
  assert.equal(Object.isFrozen(defaultAutoscalerConfig), true);
});

test("resolve fills in defaults, keeps what is given, and freezes", () => {
  const c = resolveAutoscalerConfig({ tickMs: 2000, targetUtilization: 0.5 });
  assert.deepEqual(c, { ...defaultAutoscalerConfig, tickMs: 2000, targetUtilization: 0.5 });
  assert.equal(Object.isFrozen(c), true);
  assert.deepEqual(resolveAutoscalerConfig(), defaultAutoscalerConfig);
  assert.deepEqual(resolveAutoscalerConfig({ tickMs: undefined }), defaultAutoscalerConfig);
});

test("every bad value is named with its key, the value and the rule", () => {
  const bad: Array<[Partial<AutoscalerConfig>, RegExp]> = [
    [{ tickMs: 0 }, /tickMs = 0 is invalid: must be a whole number of ms from 10 to 60000/],
    [{ tickMs: 1.5 }, /tickMs = 1.5/],
    [{ stableWindowSec: 5 }, /stableWindowSec = 5 is invalid: must be a whole number of seconds from 6 to 3600/],
    [{ stableWindowSec: 3601 }, /stableWindowSec = 3601/],
    [{ panicWindowPct: 0 }, /panicWindowPct = 0 is invalid: must be a percentage from 1 to 100/],
    [{ panicThresholdPct: 100 }, /panicThresholdPct = 100 is invalid: must be a percentage from 110 to 1000/],
    [{ maxScaleUpRate: 1 }, /maxScaleUpRate = 1 is invalid: must be a number greater than 1/],
    [{ maxScaleDownRate: 0.5 }, /maxScaleDownRate = 0.5/],
    [{ targetUtilization: 0 }, /targetUtilization = 0 is invalid: must be a fraction greater than 0 and at most 1/],
    [{ targetUtilization: 70 }, /targetUtilization = 70/],
    [{ tickMs: "1000" as unknown as number }, /tickMs = "1000" is invalid/],
    [{ tickMs: Number.NaN }, /tickMs = null is invalid/],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => resolveAutoscalerConfig(input), (err: unknown) => {
      assert.ok(err instanceof Error && !("code" in err), "a plain Error, not an app-spec EbbError");
      assert.match(err.message, message);
      return true;
    });
  }
});

test("unknown keys are refused and all problems are reported at once", () => {
  const problems = autoscalerConfigProblems({ tickMS: 1000, stableWindowSec: 1, panicWindowPct: 500 });
  assert.equal(problems.length, 3);
  assert.match(problems[0]!, /unknown key "tickMS" \(known: tickMs, /);
  assert.throws(
    () => resolveAutoscalerConfig({ stableWindowSec: 1, panicWindowPct: 500 }),
    (err: Error) => err.message.includes("stableWindowSec = 1 ") && err.message.includes("\nautoscaler config: panicWindowPct = 500 "),
  );
  assert.deepEqual(autoscalerConfigProblems([]), ["autoscaler config must be an object, got []"]);
  assert.deepEqual(autoscalerConfigProblems(defaultAutoscalerConfig), []);
});

test("panic window: stable x pct / 100, rounded, at least 1 s (Knative's metric_test cases)", () => {
  const cases: Array<[number, number, number]> = [
    [60, 10, 6],
    [10, 10, 1],
    [600, 10, 60],
    [60, 50, 30],
    [60, 51, 31],
    [6, 1, 1],
  ];
  for (const [stableWindowSec, panicWindowPct, want] of cases) {
    assert.equal(panicWindowSec({ stableWindowSec, panicWindowPct }), want, `${stableWindowSec} s x ${panicWindowPct} %`);
  }
});
