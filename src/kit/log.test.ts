import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "./log.js";

function sink(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, isTTY, write: (l: string) => lines.push(l) };
}

test("JSON lines with level, message and fields when not on a terminal", () => {
  const s = sink(false);
  const log = createLogger({ sink: s, now: () => 0 }).child({ component: "gateway" });
  log.info("listening", { port: 8080 });
  log.debug("hidden");
  assert.equal(s.lines.length, 1);
  assert.deepEqual(JSON.parse(s.lines[0]!), {
    time: "1970-01-01T00:00:00.000Z",
    level: "info",
    msg: "listening",
    component: "gateway",
    port: 8080,
  });
});

test("a readable line on a terminal", () => {
  const s = sink(true);
  createLogger({ sink: s, now: () => 0, level: "debug" }).warn("slow start", { app: "hello", ms: 912 });
  assert.equal(s.lines[0], "00:00:00.000 WARN  slow start  app=hello ms=912\n");
});
