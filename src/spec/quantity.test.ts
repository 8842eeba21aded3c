import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { formatMemory, memoryBytes, readCpu, readMemory } from "./quantity.js";

test("memory quantities in bytes, binary and decimal suffixes", () => {
  const cases: [string | number, number][] = [
    [2048, 2048],
    ["2048", 2048],
    ["1Ki", 1024],
    ["512Mi", 536870912],
    ["0.5Gi", 536870912],
    ["1Gi", 2 ** 30],
    ["2Ti", 2 * 2 ** 40],
    ["1Pi", 2 ** 50],
    ["1k", 1000],
    ["1K", 1000],
    ["1M", 1e6],
    ["1.5G", 1.5e9],
    ["1T", 1e12],
    ["1P", 1e15],
    ["0.1", 1],
    [10.2, 11],
  ];
  for (const [input, bytes] of cases) assert.equal(memoryBytes(input), bytes, `memoryBytes(${JSON.stringify(input)})`);
});

test("malformed memory throws APP_SPEC_INVALID", () => {
  for (const input of ["", "512MB", "1Ei", "Mi", "-1Mi", "1 Gi", "1mi", "9000Pi"]) {
    assert.throws(
      () => memoryBytes(input),
      (err: unknown) => isEbbError(err, "APP_SPEC_INVALID") && err.message.includes("[quantity]"),
      `memoryBytes(${JSON.stringify(input)})`,
    );
  }
  assert.equal(readMemory(true).ok, false);
  assert.equal(readMemory(Number.POSITIVE_INFINITY).ok, false);
});

test("the canonical memory form is the shortest exact one, binary first", () => {
  const cases: [number, string][] = [
    [536870912, "512Mi"],
    [2 ** 30, "1Gi"],
    [1e9, "1G"],
    [1024000000, "1024M"],
    [1536, "1536"],
    [1572864, "1536Ki"],
    [1000, "1k"],
    [1024, "1Ki"],
    [1, "1"],
  ];
  for (const [bytes, text] of cases) {
    assert.equal(formatMemory(bytes), text, `formatMemory(${bytes})`);
    assert.equal(memoryBytes(text), bytes, `memoryBytes("${text}") reads it back`);
  }
});

test("cpu in cores or millicores", () => {
  const cases: [unknown, number][] = [
    [1, 1],
    [0.25, 0.25],
    ["2", 2],
    ["0.5", 0.5],
    ["500m", 0.5],
    ["1500m", 1.5],
  ];
  for (const [input, cores] of cases) assert.deepEqual(readCpu(input), { ok: true, amount: cores });
  for (const input of ["", "1 core", "500u", "-1", false, Number.NaN]) assert.equal(readCpu(input).ok, false, `readCpu(${String(input)})`);
});
