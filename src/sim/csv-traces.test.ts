import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isEbbError } from "../kit/errors.js";
import { parseTimestamp, readLlmTrace, readTimestampsTrace } from "./csv-traces.js";

const dir = mkdtempSync(join(tmpdir(), "ebb-sim-csv-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function trace(text: string): string {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, text);
  return path;
}

const header = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

// ---- azure-llm ----

test("timestamps with 7 fractional digits are UTC ms", () => {
  assert.equal(parseTimestamp("2023-11-16 18:17:03.9799600"), Date.UTC(2023, 10, 16, 18, 17, 3) + 979.96);
  assert.equal(parseTimestamp("2023-11-16 18:17:03"), Date.UTC(2023, 10, 16, 18, 17, 3));
  assert.equal(parseTimestamp("2023-13-16 18:17:03"), null);
  assert.equal(parseTimestamp("yesterday"), null);
});

test("one request per row, service time from the token model, with or without a header", () => {
  const rows = "2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,3180,8\n\n";
  const t0 = Date.UTC(2023, 10, 16, 18, 17, 3);
  const want = [
    { app: "llm", timeMs: t0 + 980, serviceMs: Math.round(0.2 * 4808 + 30 * 10) },
    { app: "llm", timeMs: t0 + 1032, serviceMs: Math.round(0.2 * 3180 + 30 * 8) },
  ];
  assert.deepEqual([...readLlmTrace(trace(header + rows)).requests], want);
  assert.deepEqual([...readLlmTrace(trace(rows)).requests], want);
  const custom = readLlmTrace(trace(rows), { app: "m", prefillMsPerToken: 1, decodeMsPerToken: 2 });
  assert.deepEqual([...custom.requests].map((r) => [r.app, r.serviceMs]), [["m", 4828], ["m", 3196]]);
});

test("the source can be read again from the start", () => {
  const src = readLlmTrace(trace(header + "2023-11-16 18:17:03.1,1,1\n"));
  assert.equal([...src.requests].length, 1);
  assert.equal([...src.requests].length, 1);
});

const bad: Array<[string, string]> = [
  ["2023-11-16 18:17:03.1,1\n", ":2:24: expected 3 fields"],
  ["2023-11-16 18:17:03.1,1,2,3\n", ":2:27: expected 3 fields"],
  ["16/11/2023 18:17,1,2\n", ":2:1: TIMESTAMP must look like"],
  ["2023-11-16 18:17:03.1,-4,2\n", ":2:23: ContextTokens must be a whole number"],
  ["2023-11-16 18:17:03.1,4,2.5\n", ":2:25: GeneratedTokens must be a whole number"],
  ["2023-11-16 18:17:05.1,4,2\n2023-11-16 18:17:04.1,4,2\n", ":3:1: TIMESTAMP 2023-11-16 18:17:04.1 is earlier than line 2's"],
];

for (const [rows, where] of bad) {
  test(`azure-llm: malformed rows are SIM_TRACE_INVALID at file:line:column (${where.slice(1)})`, () => {
    const src = readLlmTrace(trace(header + rows), { displayName: "code.csv" });
    assert.throws(
      () => [...src.requests],
      (err) => isEbbError(err, "SIM_TRACE_INVALID") && err.message.startsWith(`code.csv${where}`),
    );
  });
}

// ---- timestamps ----

test("arrival seconds with an optional duration, header optional, to whole ms", () => {
  const want = [
    { app: "app", timeMs: 0 },
    { app: "app", timeMs: 1500, serviceMs: 250 },
    { app: "app", timeMs: 1500 },
  ];
  assert.deepEqual([...readTimestampsTrace(trace("0\n1.5,0.25\n\n1.5\n")).requests], want);
  assert.deepEqual([...readTimestampsTrace(trace("arrival_seconds,duration_seconds\n0\n1.5,0.25\n1.5\n")).requests], want);
  assert.deepEqual([...readTimestampsTrace(trace("7\n"), { app: "web" }).requests], [{ app: "web", timeMs: 7000 }]);
});

const badLines: Array<[string, string]> = [
  ["1\nabc\n", "t.csv:2:1: arrival_seconds must be a number >= 0"],
  ["1,2,3\n", "t.csv:1:5: expected arrival_seconds[,duration_seconds]"],
  ["1,\n", "t.csv:1:3: duration_seconds must be a number >= 0"],
  ["5\n4\n", "t.csv:2:1: arrival 4 is earlier than line 1's"],
];

for (const [text, message] of badLines) {
  test(`timestamps: malformed lines are SIM_TRACE_INVALID at file:line:column (${message.split(": ")[1]})`, () => {
    const src = readTimestampsTrace(trace(text), { displayName: "t.csv" });
    assert.throws(() => [...src.requests], (err) => isEbbError(err, "SIM_TRACE_INVALID") && err.message.startsWith(message));
  });
}
