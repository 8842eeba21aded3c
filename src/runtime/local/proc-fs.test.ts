import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { groupRssBytes, parseStat, parseStatusRssBytes, procAvailable, readStartTime } from "./proc-fs.js";

test("stat fields are counted after the last ')' of the command name", () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  const text = `4242 (my (odd) app) S 1 777 ${fields.slice(3).join(" ")}`;
  const stat = parseStat(text);
  assert.deepEqual(stat, { pid: 4242, state: "S", pgrp: 777, startTime: "22" });
  assert.equal(parseStat("garbage"), null);
});

test("VmRSS in kB becomes bytes; absent (zombie) is 0", () => {
  assert.equal(parseStatusRssBytes("Name:\tnode\nVmRSS:\t  2048 kB\nThreads: 7\n"), 2048 * 1024);
  assert.equal(parseStatusRssBytes("Name:\tz\nState:\tZ (zombie)\n"), 0);
});

test("this process: a start time and a group RSS in a plausible range", { skip: procAvailable ? false : "no /proc on this system" }, async () => {
  assert.match(readStartTime(process.pid) ?? "", /^\d+$/);
  assert.equal(readStartTime(2 ** 22 + 1), null);
  const pgid = parseStat(readFileSync("/proc/self/stat", "utf8"))!.pgrp;
  const rss = (await groupRssBytes(new Set([pgid]))).get(pgid) ?? 0;
  assert.ok(rss >= process.memoryUsage().rss * 0.5 && rss < 64 * 1024 ** 3, `${rss}`);
});
