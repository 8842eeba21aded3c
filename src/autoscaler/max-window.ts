/**
 * The scale-down delay: the largest desired count recorded over the last `durationMs`, in buckets
 * of `granularityMs` (2 s, Knative's tick), as Knative's max.TimeWindow
 * (pkg/autoscaler/aggregation/max). The decider records its desired count every decision and
 * uses the window's maximum, so a lower count takes effect only once every higher count recorded
 * in the window has aged out.
 *
 * Ageing: a value recorded in bucket b is dropped by the first record in a bucket >= b + size,
 * where size = ceil(duration / granularity). With 5 minutes and 2 s buckets (size 150), a value
 * recorded at t = 2 s still counts at t = 300 s and is gone at t = 302 s.
 *
 * Memory: a deque of descending maxima ("ascending minima" algorithm, reversed): a value is kept
 * only while no larger value came after it, so the deque stays short for real traffic and never
 * holds more than `size` entries.
 */

export class MaxWindow {
  readonly granularityMs: number;
  #size: number;
  /** Bucket indices and values, oldest first; values strictly descending. */
  #indices: number[] = [];
  #values: number[] = [];

  /**
   * @param durationMs how long a value counts, in ms (e.g. 300_000 for 5 minutes); > 0.
   * @param granularityMs bucket width in ms; default 2000.
   */
  constructor(durationMs: number, granularityMs = 2000) {
    if (!(granularityMs > 0)) throw new RangeError(`MaxWindow: granularityMs ${granularityMs} must be > 0`);
    this.granularityMs = granularityMs;
    this.#size = MaxWindow.#sizeOf(durationMs, granularityMs);
  }

  /** Number of buckets a value spans. */
  get size(): number {
    return this.#size;
  }

  /** Records value at nowMs (times must not go backwards across buckets). */
  record(nowMs: number, value: number): void {
    const index = Math.floor(nowMs / this.granularityMs);
    const idx = this.#indices;
    const vals = this.#values;
    while (vals.length > 0 && value >= vals[vals.length - 1]!) {
      idx.pop();
      vals.pop();
    }
    while (idx.length > 0 && index - idx[0]! >= this.#size) {
      idx.shift();
      vals.shift();
    }
    if (idx.length > 0 && idx[idx.length - 1] === index) {
      value = Math.max(value, vals[vals.length - 1]!);
      idx.pop();
      vals.pop();
    }
    idx.push(index);
    vals.push(value);
  }

  /** The largest value still in the window as of the last record; 0 when empty. */
  current(): number {
    return this.#values.length > 0 ? this.#values[0]! : 0;
  }

  /**
   * Changes how long values count, keeping what is recorded; values older than the new duration
   * are dropped by the next record.
   */
  resize(durationMs: number): void {
    this.#size = MaxWindow.#sizeOf(durationMs, this.granularityMs);
  }

  static #sizeOf(durationMs: number, granularityMs: number): number {
    if (!(durationMs > 0)) throw new RangeError(`MaxWindow: durationMs ${durationMs} must be > 0`);
    return Math.ceil(durationMs / granularityMs);
  }
}
