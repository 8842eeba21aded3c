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
