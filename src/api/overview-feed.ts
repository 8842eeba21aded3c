/**
 * One overview stream's sender (docs/api.md, "Streams"): a whole overview first (`event:
 * overview`), then each second the control plane's delta (`event: overview-delta`). Unlike a
 * whole overview, a delta cannot be skipped when the reader is behind, so what the socket cannot
 * take yet is merged into one pending delta (mergeOverviewDeltas: later wins per app, a removal
 * wins over an earlier change), sent as soon as the earlier writes have left. The pending delta
 * holds at most `maxPendingEntries` entries; past that it is dropped, and the reader gets a whole
 * overview at the first publication after its earlier writes have left (built only then), after
 * which deltas resume. So a slow reader costs at most one pending delta of bounded size, besides
 * the stream's own bound on unsent bytes (sse.ts).
 */
import type { Overview, OverviewDelta, OverviewUpdate } from "../control/types.js";
import { deltaSize, mergeOverviewDeltas } from "./overview-delta.js";

/** What the feed needs of its SSE stream (SseStream.sendSnapshot). */
export interface SnapshotSink {
  sendSnapshot(event: string, data: unknown, onSent?: () => void): boolean;
}

/** Entries a pending delta may hold (views, traffic entries, removals) before a whole overview replaces it. */
export const defaultMaxPendingEntries = 2000;

export class OverviewFeed {
  readonly #sink: SnapshotSink;
  readonly #maxPendingEntries: number;
  #pending: OverviewDelta | null = null;
  /** The reader has lost deltas: the next publication it can take goes out whole. */
  #resync = false;
  /** Writes of this feed not yet handed to the socket. */
  #inFlight = 0;

  constructor(sink: SnapshotSink, maxPendingEntries = defaultMaxPendingEntries) {
    this.#sink = sink;
    this.#maxPendingEntries = maxPendingEntries;
  }

  /** The overview the reader starts from; read in the same turn as the subscription. */
  begin(first: Overview): void {
    this.#resync = !this.#send("overview", first);
  }

  /** One publication (once a second). */
  push(update: OverviewUpdate): void {
    if (this.#resync || update.delta === null) {
      this.#pending = null;
      this.#resync = true;
      // A whole overview walks every app: built only when the socket will take it at once.
      if (this.#inFlight === 0) this.#resync = !this.#send("overview", update.full());
      return;
    }
    const delta = this.#pending ? mergeOverviewDeltas(this.#pending, update.delta) : update.delta;
    this.#pending = null;
    if (this.#send("overview-delta", delta)) return;
    if (deltaSize(delta) > this.#maxPendingEntries) this.#resync = true;
    else this.#pending = delta;
  }

  #send(event: string, data: Overview | OverviewDelta): boolean {
    const sent = this.#sink.sendSnapshot(event, data, () => {
      this.#inFlight--;
      this.#sendPending();
    });
    if (sent) this.#inFlight++;
    return sent;
  }

  /** An earlier write has left: the pending delta goes now rather than with the next second's. */
  #sendPending(): void {
    if (this.#pending && this.#send("overview-delta", this.#pending)) this.#pending = null;
  }
}
