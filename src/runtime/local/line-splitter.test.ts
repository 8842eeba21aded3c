import { test } from "node:test";
import assert from "node:assert/strict";
import { LineSplitter, cutMarker } from "./line-splitter.js";

function split(max: number, chunks: Array<string | Buffer>, end = true): string[] {
  const lines: string[] = [];
  const s = new LineSplitter(max, (l) => lines.push(l));
  for (const c of chunks) s.push(typeof c === "string" ? Buffer.from(c) : c);
  if (end) s.end();
  return lines;
}

test("lines across chunks, CRLF and empty lines", () => {
  assert.deepEqual(split(100, ["ab", "c\nde", "f\r\n\nlast"]), ["abc", "def", "", "last"]);
});

test("a partial line waits for its newline or the end", () => {
  assert.deepEqual(split(100, ["no newline yet"], false), []);
  assert.deepEqual(split(100, ["no newline yet"]), ["no newline yet"]);
});

test("a multi-byte character split between chunks survives", () => {
  const bytes = Buffer.from("héllo\n");
  assert.deepEqual(split(100, [bytes.subarray(0, 2), bytes.subarray(2)]), ["héllo"]);
});

test("a long line is cut at the limit and the rest of it dropped", () => {
  assert.deepEqual(split(4, ["abcdefgh", "ij\nnext\n"]), ["abcd" + cutMarker, "next"]);
  assert.deepEqual(split(4, ["abcd\n"]), ["abcd"]);
  assert.deepEqual(split(4, ["abcd", "e\nok\n"]), ["abcd" + cutMarker, "ok"]);
});

test("a line that never ends is bounded too", () => {
  const lines = split(8, Array.from({ length: 1000 }, () => "progress "), false);
  assert.deepEqual(lines, ["progress" + cutMarker]);
});
