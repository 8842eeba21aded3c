import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLogHistory } from "./log-history.js";

const t0 = Date.parse("2026-11-28T03:50:47.000Z");
const iso = (ms: number): string => new Date(ms).toISOString();

function appDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "ebb-log-history-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a replica's file from [ms offset, stream, text] and sets its mtime to its last line. */
function writeLog(dir: string, name: string, lines: Array<[number, string, string]>): void {
  writeFileSync(join(dir, name), lines.map(([at, stream, text]) => `${iso(t0 + at)} ${stream} ${text}\n`).join(""));
  const last = new Date(t0 + (lines.at(-1)?.[0] ?? 0));
  utimesSync(join(dir, name), last, last);
}

test("lines of every replica file, merged oldest first, the newest `limit` before `beforeMs`", (t) => {
  const dir = appDir(t);
  writeLog(dir, "hello-r1-1.log.1", [[0, "system", "started pid 10 on port 4000: node server.mjs"], [5, "stdout", "serving on 4000"]]);
  writeLog(dir, "hello-r1-1.log", [[10, "stderr", "warning: slow"], [30, "system", "stopped (exited with code 0)"]]);
  writeLog(dir, "hello-r1-2.log", [[20, "stdout", "serving on 4001"], [40, "system", "ready in 70 ms"]]);
  const all = readLogHistory(dir, "hello", { beforeMs: Infinity, limit: 100 }, 1 << 20);
  assert.deepEqual(
    all.map((l) => [l.time - t0, l.replica, l.stream, l.text]),
    [
      [0, "hello-r1-1", "system", "started pid 10 on port 4000: node server.mjs"],
      [5, "hello-r1-1", "stdout", "serving on 4000"],
      [10, "hello-r1-1", "stderr", "warning: slow"],
      [20, "hello-r1-2", "stdout", "serving on 4001"],
      [30, "hello-r1-1", "system", "stopped (exited with code 0)"],
      [40, "hello-r1-2", "system", "ready in 70 ms"],
    ],
  );
  assert.ok(all.every((l) => l.app === "hello"));
  const older = readLogHistory(dir, "hello", { beforeMs: t0 + 30, limit: 2 }, 1 << 20);
  assert.deepEqual(older.map((l) => l.time - t0), [10, 20]);
  const one = readLogHistory(dir, "hello", { beforeMs: Infinity, limit: 10, replica: "hello-r1-2" }, 1 << 20);
  assert.deepEqual(one.map((l) => l.text), ["serving on 4001", "ready in 70 ms"]);
  assert.deepEqual(readLogHistory(join(dir, "missing"), "hello", { beforeMs: Infinity, limit: 10 }, 1 << 20), []);
  assert.deepEqual(readLogHistory(dir, "hello", { beforeMs: Infinity, limit: 0 }, 1 << 20), []);
});

test("lines cut by the read blocks, multi-byte text and the dropped-lines note read back whole", (t) => {
  const dir = appDir(t);
  const lines: Array<[number, string, string]> = [];
  for (let i = 0; i < 3000; i++) lines.push([i, "stdout", `line ${i} ${"é".repeat(40)} ✓`]);
  writeLog(dir, "big-r1-1.log", lines);
  writeFileSync(join(dir, "big-r1-1.log"), `[12 lines dropped: the disk was too slow]\n${iso(t0 + 5000)} stdout after the gap\n`, { flag: "a" });
  const back = readLogHistory(dir, "big", { beforeMs: Infinity, limit: 3002 }, 1 << 20);
  assert.equal(back.length, 3002);
  assert.deepEqual(back.slice(0, 3000).map((l) => l.text), lines.map((l) => l[2]));
  assert.deepEqual(back.slice(-2).map((l) => [l.time - t0, l.stream, l.text]), [
    [5000, "system", "[12 lines dropped: the disk was too slow]"],
    [5000, "stdout", "after the gap"],
  ]);
});

test("a byte budget bounds the read, newest lines first; older files fill in what is older", (t) => {
  const dir = appDir(t);
  const lines: Array<[number, string, string]> = [];
  for (let i = 0; i < 2000; i++) lines.push([10_000 + i, "stdout", `new ${i} ${"x".repeat(100)}`]);
  writeLog(dir, "app-r1-9.log", lines);
  writeLog(dir, "app-r1-1.log", [[0, "stdout", "old"]]);
  const capped = readLogHistory(dir, "app", { beforeMs: Infinity, limit: 2000 }, 64 * 1024);
  assert.ok(capped.length > 0 && capped.length < 2000, `${capped.length} lines within 64 KiB`);
  assert.equal(capped.at(-1)!.text, lines.at(-1)![2], "the newest lines first");
  const recent = readLogHistory(dir, "app", { beforeMs: Infinity, limit: 5 }, 1 << 20);
  assert.deepEqual(recent.map((l) => l.time - t0), [11_995, 11_996, 11_997, 11_998, 11_999]);
  assert.deepEqual(readLogHistory(dir, "app", { beforeMs: t0 + 10_000, limit: 5 }, 1 << 20).map((l) => l.text), ["old"]);
});
