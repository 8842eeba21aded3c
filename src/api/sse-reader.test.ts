import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { SseParser, readSse } from "./sse-reader.js";

test("events, ids, comments and multi-line data", () => {
  const p = new SseParser();
  const out = p.push(": hello\n\nevent: ebb-event\nid: 7\ndata: {\"a\":1}\n\ndata: one\ndata: two\n\n");
  assert.deepEqual(out, [
    { event: "ebb-event", data: '{"a":1}', id: "7" },
    { event: "message", data: "one\ntwo", id: "7" },
  ]);
});

test("lines split across chunks, with CRLF, LF or CR endings", () => {
  const p = new SseParser();
  const text = "event: x\r\ndata: 1\r\n\r\nevent: y\rdata:2\r\rdata: 3\n\n";
  const seen = [];
  for (const ch of text) seen.push(...p.push(ch));
  assert.deepEqual(seen.map((m) => [m.event, m.data]), [["x", "1"], ["y", "2"], ["message", "3"]]);
});

test("a block without data dispatches nothing and resets the event name", () => {
  const p = new SseParser();
  assert.deepEqual(p.push("event: lonely\n\ndata: d\n\n"), [{ event: "message", data: "d", id: undefined }]);
});

test("a long line in many chunks: one event, and the bound still holds", () => {
  const data = JSON.stringify({ apps: "a".repeat(300_000) });
  const text = `event: overview\ndata: ${data}\n\n`;
  const p = new SseParser(400_000);
  const seen = [];
  for (let i = 0; i < text.length; i += 1000) seen.push(...p.push(text.slice(i, i + 1000)));
  assert.deepEqual(seen, [{ event: "overview", data, id: undefined }]);
  const small = new SseParser(10_000);
  small.push("data: ");
  assert.throws(() => {
    for (let i = 0; i < 20; i++) small.push("x".repeat(1000));
  }, (err) => isEbbError(err, "API_BAD_REQUEST"));
});

test("an event past the size bound is refused", () => {
  const p = new SseParser(64);
  assert.throws(() => p.push(`data: ${"x".repeat(100)}`), (err) => isEbbError(err, "API_BAD_REQUEST"));
});

test("readSse yields events from a byte stream and stops on abort", async () => {
  const encoder = new TextEncoder();
  const ac = new AbortController();
  let pull = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pull++;
      if (pull === 1) controller.enqueue(encoder.encode("event: e\ndata: first\n\n"));
      else if (pull === 2) controller.enqueue(encoder.encode("event: e\nda"));
      else if (pull === 3) controller.enqueue(encoder.encode("ta: second\n\n"));
      // After that the stream stays open with nothing to say, like an idle server.
      else return new Promise(() => {});
    },
  });
  const seen: string[] = [];
  for await (const m of readSse(body, ac.signal)) {
    seen.push(m.data);
    if (seen.length === 2) ac.abort();
  }
  assert.deepEqual(seen, ["first", "second"]);
});

test("an abort while waiting for data ends the iteration", async () => {
  const ac = new AbortController();
  const body = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
  const iteration = (async () => {
    const seen = [];
    for await (const m of readSse(body, ac.signal)) seen.push(m);
    return seen;
  })();
  setImmediate(() => ac.abort());
  assert.deepEqual(await iteration, []);
});
