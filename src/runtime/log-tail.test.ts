import { test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../kit/log.js";
import { LogTails } from "./log-tail.js";
import type { LogLine } from "./types.js";

const line = (app: string, text: string, replica = `${app}-r1-1`): LogLine => ({ time: 0, app, replica, stream: "stdout", text });

test("each app keeps its newest lines, oldest first, filtered by replica and limit", () => {
  const tails = new LogTails({ linesPerApp: 3, log: silentLogger });
  for (let i = 1; i <= 5; i++) tails.append(line("a", `a${i}`, i % 2 ? "odd" : "even"));
  tails.append(line("b", "b1"));
  assert.deepEqual(tails.lines("a").map((l) => l.text), ["a3", "a4", "a5"]);
  assert.deepEqual(tails.lines("a", { replica: "odd" }).map((l) => l.text), ["a3", "a5"]);
  assert.deepEqual(tails.lines("a", { limit: 2 }).map((l) => l.text), ["a4", "a5"]);
  assert.deepEqual(tails.lines("a", { limit: 0 }), []);
  assert.deepEqual(tails.lines("nobody"), []);
  tails.forget("a");
  assert.deepEqual(tails.lines("a"), []);
  assert.equal(tails.lines("b").length, 1);
});

test("at most maxApps tails: the least recently written app is dropped", () => {
  const tails = new LogTails({ maxApps: 2, log: silentLogger });
  tails.append(line("a", "1"));
  tails.append(line("b", "1"));
  tails.append(line("a", "2"));
  tails.append(line("c", "1"));
  assert.deepEqual(["a", "b", "c"].map((app) => tails.lines(app).length), [2, 0, 1]);
});

test("subscribers get their app's lines until they unsubscribe; a throwing one harms no other", () => {
  const tails = new LogTails({ log: silentLogger });
  const got: string[] = [];
  tails.subscribe("a", () => {
    throw new Error("bad subscriber");
  });
  const off = tails.subscribe("a", (l) => got.push(l.text));
  tails.subscribe("b", (l) => got.push("b:" + l.text));
  tails.append(line("a", "one"));
  off();
  off();
  tails.append(line("a", "two"));
  assert.deepEqual(got, ["one"]);
});

test("with a history, a tail holding fewer lines than asked for takes the older ones from it", () => {
  const asked: Array<{ beforeMs: number; limit: number; replica?: string }> = [];
  const older = (n: number, replica = "a-r1-1"): LogLine[] => Array.from({ length: n }, (_, i) => ({ time: i, app: "a", replica, stream: "stdout" as const, text: `old ${i}` }));
  const tails = new LogTails({
    linesPerApp: 3,
    log: silentLogger,
    history: (_app, q) => (asked.push(q), older(q.limit, q.replica)),
  });
  assert.deepEqual(tails.lines("a").map((l) => l.text), ["old 0", "old 1", "old 2"], "no tail at all: every line from the history");
  tails.append({ time: 100, app: "a", replica: "a-r1-2", stream: "stdout", text: "new" });
  assert.deepEqual(tails.lines("a", { limit: 2 }).map((l) => l.text), ["old 0", "new"]);
  assert.deepEqual(asked.at(-1), { beforeMs: 100, limit: 1 });
  tails.lines("a", { replica: "a-r1-2" });
  assert.deepEqual(asked.at(-1), { beforeMs: 100, limit: 2, replica: "a-r1-2" });
  const calls = asked.length;
  for (const text of ["x", "y"]) tails.append({ time: 101, app: "a", replica: "a-r1-2", stream: "stdout", text });
  assert.deepEqual(tails.lines("a").map((l) => l.text), ["new", "x", "y"]);
  assert.equal(asked.length, calls, "a full tail does not ask");
  tails.forget("a");
  assert.equal(tails.size, 0);
  assert.equal(tails.lines("a").length, 3);
});
