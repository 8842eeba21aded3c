import { test } from "node:test";
import assert from "node:assert/strict";
import type { AppTraffic, Overview, OverviewDelta, OverviewUpdate } from "../control/types.js";
import { OverviewFeed, type SnapshotSink } from "./overview-feed.js";

/**
 * A sink with SseStream's rule: while `full` (the socket's backlog is past its bound), a snapshot
 * is refused if an earlier one has not been handed to the socket yet. `drain()` hands them over.
 */
class FakeSink implements SnapshotSink {
  full = false;
  readonly sent: Array<{ event: string; data: unknown }> = [];
  readonly #inFlight: Array<() => void> = [];

  sendSnapshot(event: string, data: unknown, onSent?: () => void): boolean {
    if (this.full && this.#inFlight.length > 0) return false;
    this.sent.push({ event, data: structuredClone(data) });
    this.#inFlight.push(() => onSent?.());
    return true;
  }

  drain(): void {
    for (const done of this.#inFlight.splice(0)) done();
  }
}

const traffic = (rps: number): AppTraffic => ({ rps, inflight: 0, p50Ms: null, p99Ms: null });
const whole = (time: number): Overview => ({ time, apps: [], traffic: {} });
const delta = (time: number, d: Partial<OverviewDelta> = {}): OverviewDelta => ({ time, apps: [], traffic: {}, removed: [], ...d });
const update = (d: OverviewDelta | null, time = d?.time ?? 0): OverviewUpdate & { wholes: number } => {
  const u = { wholes: 0, delta: d, full: () => (u.wholes++, whole(time)) };
  return u;
};

test("deltas go out one per publication while the reader keeps up", () => {
  const sink = new FakeSink();
  const feed = new OverviewFeed(sink);
  feed.begin(whole(0));
  feed.push(update(delta(1000, { traffic: { a: traffic(1) } })));
  feed.push(update(delta(2000)));
  assert.deepEqual(sink.sent.map((s) => s.event), ["overview", "overview-delta", "overview-delta"]);
  assert.deepEqual((sink.sent[1]!.data as OverviewDelta).traffic, { a: traffic(1) });
});

test("a reader behind gets the pending deltas merged, sent as soon as its earlier writes have left", () => {
  const sink = new FakeSink();
  const feed = new OverviewFeed(sink);
  feed.begin(whole(0));
  sink.full = true;
  feed.push(update(delta(1000, { traffic: { a: traffic(1), b: traffic(1) } })));
  feed.push(update(delta(2000, { traffic: { a: traffic(2) }, removed: ["c"] })));
  feed.push(update(delta(3000, { removed: ["b"] })));
  assert.equal(sink.sent.length, 1, "nothing more written while the first overview is in flight");
  sink.drain();
  assert.deepEqual(sink.sent.map((s) => s.event), ["overview", "overview-delta"]);
  assert.deepEqual(sink.sent[1]!.data, delta(3000, { traffic: { a: traffic(2) }, removed: ["c", "b"] }));
  sink.drain();
  assert.equal(sink.sent.length, 2, "nothing pending any more");
});

test("past maxPendingEntries the pending delta is dropped; a whole overview follows once the socket is free", () => {
  const sink = new FakeSink();
  const feed = new OverviewFeed(sink, 3);
  feed.begin(whole(0));
  sink.full = true;
  feed.push(update(delta(1000, { traffic: { a: traffic(1), b: traffic(1) } })));
  const over = update(delta(2000, { traffic: { c: traffic(1), d: traffic(1) } }), 2000);
  feed.push(over);
  const stillBusy = update(delta(3000), 3000);
  feed.push(stillBusy);
  assert.equal(over.wholes + stillBusy.wholes, 0, "no whole overview is built while the feed's writes have not left");
  sink.drain();
  assert.equal(sink.sent.length, 1, "the dropped delta is not sent");
  const next = update(delta(4000, { traffic: { a: traffic(4) } }), 4000);
  feed.push(next);
  assert.deepEqual(sink.sent.map((s) => s.event), ["overview", "overview"]);
  assert.equal((sink.sent[1]!.data as Overview).time, 4000);
  assert.equal(next.wholes, 1);
  sink.drain();
  feed.push(update(delta(5000)));
  assert.deepEqual(sink.sent.map((s) => s.event), ["overview", "overview", "overview-delta"], "deltas resume");
});

test("an update without a delta sends the whole overview", () => {
  const sink = new FakeSink();
  const feed = new OverviewFeed(sink);
  feed.begin(whole(0));
  sink.drain();
  feed.push(update(null, 1000));
  assert.deepEqual(sink.sent.map((s) => [s.event, (s.data as Overview).time]), [["overview", 0], ["overview", 1000]]);
});
