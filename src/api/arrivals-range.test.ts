import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { arrivalsRange } from "./arrivals-range.js";

const now = 1_700_000_000_500;
const nowSec = 1_700_000_000;
const week = 7 * 24 * 3600;
const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));

test("no parameters: the last 7 days, the current second included", () => {
  assert.deepEqual(arrivalsRange(q({}), now), { fromSec: nowSec + 1 - week, toSec: nowSec + 1 });
});

test("from alone ends after now; to alone starts 7 days before it", () => {
  assert.deepEqual(arrivalsRange(q({ from: nowSec - 60 }), now), { fromSec: nowSec - 60, toSec: nowSec + 1 });
  assert.deepEqual(arrivalsRange(q({ to: 5000 }), now), { fromSec: 0, toSec: 5000 });
  assert.deepEqual(arrivalsRange(q({ from: 10, to: 10 + week }), now), { fromSec: 10, toSec: 10 + week });
});

test("backwards, empty, longer than 7 days or not integers: API_BAD_REQUEST", () => {
  const cases: Array<Record<string, string | number>> = [{ from: 20, to: 10 }, { from: 10, to: 10 }, { from: 0, to: week + 1 }, { from: "x" }, { to: 1.5 }, { from: -1 }];
  for (const params of cases) {
    assert.throws(() => arrivalsRange(q(params), now), (err: unknown) => isEbbError(err, "API_BAD_REQUEST"), JSON.stringify(params));
  }
});
