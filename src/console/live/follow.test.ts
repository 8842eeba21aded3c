import { test } from "node:test";
import assert from "node:assert/strict";
import { EbbError } from "../../api/client.js";
import { appendBounded, backoffMs, follow, mergeById, type StreamState } from "./follow.js";

async function* items<T>(list: T[], end?: Error): AsyncGenerator<T> {
  for (const x of list) yield x;
  if (end) throw end;
}

test("reopens a stream that ends, with growing waits reset by data, until aborted", async () => {
  const ctl = new AbortController();
  const got: number[] = [];
  const waits: number[] = [];
  const states: StreamState[] = [];
  let opened = 0;
  const open = (): AsyncIterable<number> => {
    opened++;
    if (opened === 4) ctl.abort();
    return opened === 3 ? items([3]) : items([], new Error("connection reset"));
  };
  await follow(open, (n) => got.push(n), {
    signal: ctl.signal,
    onState: (s) => states.push(s),
    wait: async (ms) => void waits.push(ms),
  });
  assert.equal(opened, 4);
  assert.deepEqual(got, [3]);
  assert.equal(waits.length, 3);
  assert.ok(waits[1]! > waits[0]!, `second wait ${waits[1]} longer than first ${waits[0]}`);
  assert.ok(waits[2]! <= waits[0]! * 2, "data in between resets the back-off");
  assert.deepEqual(states.slice(0, 3), ["connecting", "retrying", "retrying"]);
  assert.ok(states.includes("live"));
});

test("a wrong token stops following and signs out; a missing route reports unavailable", async () => {
  let signedOut = 0;
  const states: StreamState[] = [];
  const never = async (): Promise<void> => assert.fail("no retry expected");
  await follow(() => items([], new EbbError("API_UNAUTHORIZED", "wrong token")), () => {}, {
    signal: new AbortController().signal,
    onUnauthorized: () => signedOut++,
    wait: never,
  });
  assert.equal(signedOut, 1);
  await follow(() => items([], new EbbError("API_NOT_FOUND", "no such route")), () => {}, {
    signal: new AbortController().signal,
    onState: (s) => states.push(s),
    wait: never,
  });
  assert.deepEqual(states, ["connecting", "unavailable"]);
});

test("an aborted signal ends at once, without opening", async () => {
  const ctl = new AbortController();
  ctl.abort();
  let opened = 0;
  await follow(() => (opened++, items([1])), () => {}, { signal: ctl.signal });
  assert.equal(opened, 0);
});

test("reconnect waits double from 0.5 s up to a cap, less up to 20% jitter", () => {
  assert.equal(backoffMs(1, () => 0), 500);
  assert.equal(backoffMs(2, () => 0), 1000);
  assert.equal(backoffMs(4, () => 0), 4000);
  assert.equal(backoffMs(20, () => 0), 15_000);
  assert.equal(backoffMs(2, () => 1), 800);
});

test("appending keeps the newest entries up to the bound", () => {
  assert.deepEqual(appendBounded([1, 2, 3], [4, 5], 4), [2, 3, 4, 5]);
  assert.deepEqual(appendBounded([], [1], 4), [1]);
});

test("merging events by id drops duplicates, orders by id and keeps the newest", () => {
  const e = (id: number, message = `e${id}`) => ({ id, message });
  const merged = mergeById([e(1), e(2), e(3)], [e(3, "again"), e(5), e(4)], 4);
  assert.deepEqual(merged, [e(2), e(3, "again"), e(4), e(5)]);
  const same = [e(1)];
  assert.equal(mergeById(same, [], 10), same, "nothing new returns the same list");
});
