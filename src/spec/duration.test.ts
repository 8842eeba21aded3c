import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { formatDuration, parseDuration, readDuration } from "./duration.js";

test("numbers are seconds; strings are number-unit parts", () => {
  const cases: [string | number, number][] = [
    [300, 300],
    [0, 0],
    [1.5, 1.5],
    ["0", 0],
    ["90s", 90],
    ["5m", 300],
    ["1h", 3600],
    ["1h30m", 5400],
    ["500ms", 0.5],
    ["1.5h", 5400],
    ["2m30.5s", 150.5],
    [" 10s ", 10],
    ["-5m", -300],
    ["100ms100ms100ms", 0.3],
  ];
  for (const [input, seconds] of cases) assert.equal(parseDuration(input), seconds, `parseDuration(${JSON.stringify(input)})`);
});

test("malformed durations throw APP_SPEC_INVALID naming the value", () => {
  for (const input of ["", "5", "5 m", "5min", "1d", "h", "1h 30m", "5M", "abc"]) {
    assert.throws(
      () => parseDuration(input),
      (err: unknown) => isEbbError(err, "APP_SPEC_INVALID") && err.message.includes("[duration]"),
      `parseDuration(${JSON.stringify(input)})`,
    );
  }
  assert.throws(() => parseDuration(Number.NaN), (err: unknown) => isEbbError(err, "APP_SPEC_INVALID"));
});

test("a bare number in a string asks for a unit", () => {
  const read = readDuration("300");
  assert.equal(read.ok, false);
  assert.match(read.ok ? "" : read.reason, /write "300s", or the number 300/);
  assert.equal(readDuration(true).ok, false);
  assert.equal(readDuration(Infinity).ok, false);
});

test("formatDuration writes the short form to the millisecond", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [0.5, "500ms"],
    [1, "1s"],
    [1.5, "1.5s"],
    [90, "1m30s"],
    [90.5, "1m30.5s"],
    [300, "5m"],
    [3600, "1h"],
    [5400, "1h30m"],
    [86400, "24h"],
    [60.25, "1m250ms"],
    [-300, "-5m"],
    [0.0004, "0s"],
  ];
  for (const [seconds, text] of cases) assert.equal(formatDuration(seconds), text, `formatDuration(${seconds})`);
});

test("formatDuration and parseDuration round-trip", () => {
  for (const seconds of [0, 0.001, 0.5, 59.999, 61, 3599.5, 3661.25, 7200, 100000]) {
    assert.equal(parseDuration(formatDuration(seconds)), seconds);
  }
});
