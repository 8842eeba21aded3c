import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../kit/log.js";
import { CappedLogFile } from "./log-file.js";
import { waitUntil } from "./test-apps.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ebb-logfile-"));
}

test("writes lines, creating the folder", async () => {
  const dir = tempDir();
  try {
    const file = new CappedLogFile(join(dir, "app", "r1.log"), { maxBytes: 1024, log: silentLogger });
    file.write("one");
    file.write("two");
    await file.close();
    await file.close();
    file.write("after close");
    assert.equal(readFileSync(join(dir, "app", "r1.log"), "utf8"), "one\ntwo\n");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("rotates once to .1 at the cap, continuing the size of an existing file", async () => {
  const dir = tempDir();
  const path = join(dir, "r.log");
  try {
    writeFileSync(path, "x".repeat(90) + "\n");
    writeFileSync(path + ".1", "old rotation\n");
    const file = new CappedLogFile(path, { maxBytes: 100, log: silentLogger });
    file.write("123456789");
    for (let i = 0; i < 30; i++) file.write(`line ${String(i).padStart(3, "0")}`);
    await file.close();
    const current = readFileSync(path, "utf8");
    const rotated = readFileSync(path + ".1", "utf8");
    assert.ok(statSync(path).size <= 100 && statSync(path + ".1").size <= 100);
    assert.ok(current.endsWith("line 029\n"));
    assert.ok(!rotated.includes("old rotation") && rotated.startsWith("line "));
    const lines = (rotated + current).trim().split("\n");
    assert.deepEqual(lines, lines.map((_, i) => `line ${String(30 - lines.length + i).padStart(3, "0")}`));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("a file that cannot be opened disables itself instead of throwing", async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, "not-a-folder"), "");
    const file = new CappedLogFile(join(dir, "not-a-folder", "r.log"), { maxBytes: 100, log: silentLogger });
    file.write("dropped");
    await file.close();
    file.destroy();
    assert.throws(() => statSync(join(dir, "not-a-folder", "r.log")));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("past maxPendingBytes lines are dropped, and the count is written once the disk catches up", async () => {
  const dir = tempDir();
  const path = join(dir, "r.log");
  try {
    const file = new CappedLogFile(path, { maxBytes: 1024, maxPendingBytes: 10, log: silentLogger });
    file.write("a line longer than ten bytes");
    file.write("dropped 1");
    file.write("dropped 2");
    await waitUntil("the queue to drain", () => file.pendingBytes === 0);
    file.write("after");
    await file.close();
    assert.equal(readFileSync(path, "utf8"), "a line longer than ten bytes\n[2 lines dropped: the disk was too slow]\nafter\n");
  } finally {
    rmSync(dir, { recursive: true });
  }
});
