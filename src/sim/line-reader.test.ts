import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isEbbError } from "../kit/errors.js";
import { LineReader, countField, fieldColumn } from "./line-reader.js";

const dir = mkdtempSync(join(tmpdir(), "ebb-sim-lines-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function lines(path: string): string[] {
  const r = new LineReader(path);
  const out: string[] = [];
  for (let l = r.next(); l !== null; l = r.next()) out.push(l);
  r.close();
  return out;
}

test("lines across 64 KiB chunk boundaries, multi-byte characters included, come out whole", () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `${i},é${"x".repeat(i % 17)}`);
  assert.deepEqual(lines(file("big.csv", rows.join("\n") + "\n")), rows);
});

test("CRLF endings are stripped and a last line without a newline is kept", () => {
  assert.deepEqual(lines(file("crlf.csv", "a,b\r\nc,d\r\ne")), ["a,b", "c,d", "e"]);
  assert.deepEqual(lines(file("empty.csv", "")), []);
});

test("line numbers and field columns point at the problem", () => {
  const r = new LineReader(file("bad.csv", "h\n1,2,x\n"), "bad.csv");
  r.next();
  const fields = r.next()!.split(",");
  assert.equal(fieldColumn(fields, 2), 5);
  assert.throws(
    () => countField(r, fields, 2, "GeneratedTokens"),
    (err) => isEbbError(err, "SIM_TRACE_INVALID") && err.message === 'bad.csv:2:5: GeneratedTokens must be a whole number >= 0, got "x"',
  );
  r.close();
  r.close();
});

test("a missing file is SIM_OPTIONS_INVALID naming it", () => {
  assert.throws(() => new LineReader(join(dir, "nope.csv"), "nope.csv"), (err) => isEbbError(err, "SIM_OPTIONS_INVALID") && /nope\.csv.*ENOENT/.test(err.message));
});
