import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ManualClock } from "../kit/clock.js";
import { startFakeApi, waitFor, type FakeApi } from "./fake-api.js";
import { SseStream } from "./sse.js";

/** Reads a streaming body as text until `until` matches what arrived (bounded by a deadline). */
function bodyReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    get text() {
      return text;
    },
    async until(pattern: RegExp, timeoutMs = 5000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`stream never matched ${pattern}; got ${JSON.stringify(text)}`);
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`stream ended before ${pattern}; got ${JSON.stringify(text)}`);
        text += decoder.decode(chunk.value, { stream: true });
      }
      return text;
    },
    async ended(): Promise<boolean> {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return true;
        text += decoder.decode(chunk.value, { stream: true });
      }
    },
  };
}

async function withApi(fn: (api: FakeApi, clock: ManualClock) => Promise<void>, server = {}): Promise<void> {
  const clock = new ManualClock(0);
  const api = await startFakeApi({ clock, server });
  try {
    await fn(api, clock);
  } finally {
    await api.close();
  }
}

test("the event stream sends one event/id/data block per event, for the app asked", async () => {
  await withApi(async (api) => {
    const ac = new AbortController();
    const res = await api.call("/api/v1/events/stream?app=a", { signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
    const body = bodyReader(res);
    await waitFor("subscription", () => api.control.eventSubscribers === 1);
    api.control.emit({ app: "b", type: "ScaledUp", revision: 1, message: "other app", data: {} });
    const e = api.control.emit({ app: "a", type: "ScaledUp", revision: 1, message: "ScaledUp 0->1", data: { rule: "wake" } });
    const text = await body.until(/data: .*\n\n/);
    assert.match(text, new RegExp(`event: ebb-event\\nid: ${e.id}\\ndata: (.*)\\n\\n`));
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]!);
    assert.deepEqual(data, e);
    assert.doesNotMatch(text, /other app/);
    ac.abort();
  });
});

test("a client that disconnects is unsubscribed", async () => {
  await withApi(async (api) => {
    const ac = new AbortController();
    await api.control.deploy([{ name: "a", command: ["x"] }]);
    await api.call("/api/v1/events/stream", { signal: ac.signal });
    await api.call("/api/v1/apps/a/logs/stream", { signal: ac.signal });
    await waitFor("subscriptions", () => api.control.eventSubscribers === 1 && api.control.logSubscribers === 1);
    ac.abort();
    await waitFor("unsubscribe", () => api.control.eventSubscribers === 0 && api.control.logSubscribers === 0);
  });
});

test("after= and Last-Event-ID replay newer stored events first, then live ones", async () => {
  await withApi(async (api) => {
    const first = api.control.emit({ app: "a", type: "Deployed", revision: 1, message: "one", data: {} });
    api.control.emit({ app: "a", type: "ReplicaStarted", revision: 1, message: "two", data: {} });
    api.control.emit({ app: "a", type: "ReplicaReady", revision: 1, message: "three", data: {} });
    for (const init of [{ path: `?after=${first.id}` }, { path: "", headers: { "last-event-id": String(first.id) } }]) {
      const ac = new AbortController();
      const res = await api.call(`/api/v1/events/stream${init.path}`, { signal: ac.signal, headers: init.headers ?? {} });
      const body = bodyReader(res);
      await body.until(/"three"/);
      await waitFor("subscription", () => api.control.eventSubscribers === 1);
      api.control.emit({ app: "a", type: "RolloutComplete", revision: 1, message: "four", data: {} });
      const text = await body.until(/"four"/);
      const messages = [...text.matchAll(/"message":"(\w+)"/g)].map((m) => m[1]);
      assert.deepEqual(messages, ["two", "three", "four"]);
      ac.abort();
      await waitFor("unsubscribe", () => api.control.eventSubscribers === 0);
    }
  });
});

test("a heartbeat comment every heartbeatMs", async () => {
  await withApi(async (api, clock) => {
    const ac = new AbortController();
    const body = bodyReader(await api.call("/api/v1/events/stream", { signal: ac.signal }));
    await waitFor("subscription", () => api.control.eventSubscribers === 1);
    assert.doesNotMatch(body.text, /heartbeat/);
    clock.advance(15_000);
    await body.until(/: heartbeat\n\n/);
    ac.abort();
  });
});

test("the log stream sends LogEntries, filtered by replica; an unknown app is 404", async () => {
  await withApi(async (api) => {
    await api.control.deploy([{ name: "a", command: ["x"] }]);
    const ac = new AbortController();
    const body = bodyReader(await api.call("/api/v1/apps/a/logs/stream?replica=a-1", { signal: ac.signal }));
    await waitFor("subscription", () => api.control.logSubscribers === 1);
    api.control.pushLog({ app: "a", replica: "a-2", stream: "stdout", text: "skip me" });
    api.control.pushLog({ app: "a", replica: "a-1", stream: "stdout", text: "hello" });
    api.control.emit({ app: "a", type: "ScaledUp", revision: 1, message: "ScaledUp 1->2", data: {} });
    const text = await body.until(/ScaledUp 1->2/);
    const entries = [...text.matchAll(/event: ebb-log\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!));
    assert.deepEqual(entries.map((e) => [e.kind, e.text ?? e.message]), [["log", "hello"], ["event", "ScaledUp 1->2"]]);
    ac.abort();
    const missing = await api.call("/api/v1/apps/nope/logs/stream");
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "APP_NOT_FOUND");
  });
});

test("close() ends open streams cleanly and resolves", async () => {
  const api = await startFakeApi();
  const body = bodyReader(await api.call("/api/v1/events/stream"));
  await waitFor("subscription", () => api.control.eventSubscribers === 1);
  await api.close();
  assert.equal(await body.ended(), true);
  assert.equal(api.control.eventSubscribers, 0);
  await api.close();
});

test("streams past maxStreams are refused with 503 API_TOO_MANY_STREAMS", async () => {
  await withApi(
    async (api) => {
      const ac = new AbortController();
      await api.call("/api/v1/events/stream", { signal: ac.signal });
      const second = await api.call("/api/v1/events/stream");
      assert.equal(second.status, 503);
      assert.equal(((await second.json()) as { error: { code: string } }).error.code, "API_TOO_MANY_STREAMS");
      ac.abort();
      await waitFor("slot freed", () => api.control.eventSubscribers === 0);
      const third = await api.call("/api/v1/events/stream", { signal: AbortSignal.timeout(5000) });
      assert.equal(third.status, 200);
      await third.body?.cancel();
    },
    { maxStreams: 1 },
  );
});

test("a client that stops reading is cut off past maxBufferedBytes", () => {
  const req = new EventEmitter() as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), {
    writableLength: 0,
    destroyed: false,
    writeHead() {
      return this;
    },
    write(text: string) {
      this.writableLength += text.length;
      return false;
    },
    end() {},
    destroy() {
      this.destroyed = true;
    },
  });
  const stream = new SseStream(req, res as unknown as ServerResponse, { clock: new ManualClock(), heartbeatMs: 1000, maxBufferedBytes: 200 });
  let closed = 0;
  stream.onClose(() => closed++);
  stream.send("ebb-event", { n: 1 });
  assert.equal(stream.closed, false);
  stream.send("ebb-event", { pad: "x".repeat(300) });
  assert.equal(stream.closed, true);
  assert.equal(res.destroyed, true);
  stream.close();
  assert.equal(closed, 1);
});
