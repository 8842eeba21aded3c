/**
 * The averaging window behind the stable (60 s) and panic (6 s) loads: a ring of fixed-width
 * buckets (1 s by default), each holding the sum of the values recorded in it, averaged the way
 * Knative's autoscaler averages its metric buckets (pkg/autoscaler/aggregation/bucketing.go), so
 * that ebb's decisions match the KPA's for the same traffic:
 *
 * - the average is over the whole window once data has been recorded for a window or longer;
 * - if the first value was recorded less than a window ago, it is over that partial window
 *   (one value of 5 recorded just now averages 5, not 5/60);
 * - gaps between recorded buckets that are shorter than the window count as zeros;
 * - after the last recorded bucket, the buckets that fell out of the window are dropped and the
 *   average is over those still in it (no new zeros are invented for time not yet recorded);
 * - nothing recorded for a whole window: the average is 0 and the next value starts afresh.
 *
 * `recordInterval` takes a value measured over an interval (a tick's traffic sample) and weighs
 * it by the interval's length, so the window's sum stays true whatever the tick: one 1 s sample
 * fills one 1 s bucket, as Knative's 1 s scrape does; two 500 ms samples add up to one second's
 * worth; a 2 s sample is spread over the two buckets it covers; a late timer that skips a bucket
 * is made up by the next sample.
 *
 * Averages are floored to 6 decimals, as Knative does, so float noise never turns 3 into
 * 3.0000000001 and one extra replica. Memory is the ring only: one number per bucket. Time is
 * always passed in (ms epoch); the window never reads a clock.
 */

const precision = 1e6;

function floorToPrecision(x: number): number {
  return Math.floor(x * precision) / precision;
}

export class AverageWindow {
  readonly windowMs: number;
  readonly granularityMs: number;
  readonly #buckets: Float64Array;
  #total = 0;
  /** Bucket index (time / granularity) of the first and last write; null before any write. */
  #first: number | null = null;
  #last: number | null = null;

  /**
   * @param windowMs length of the window in ms (e.g. 60_000); rounded up to whole buckets.
   * @param granularityMs width of one bucket in ms; default 1000.
   */
  constructor(windowMs: number, granularityMs = 1000) {
    if (!(granularityMs > 0) || !(windowMs >= granularityMs)) {
      throw new RangeError(`AverageWindow: windowMs ${windowMs} must be >= granularityMs ${granularityMs} > 0`);
    }
    this.windowMs = windowMs;
    this.granularityMs = granularityMs;
    this.#buckets = new Float64Array(Math.ceil(windowMs / granularityMs));
  }

  /** Number of buckets in the ring. */
  get size(): number {
    return this.#buckets.length;
  }

  /** Adds value to the bucket holding nowMs. Values older than the window are ignored. */
  record(nowMs: number, value: number): void {
    const idx = Math.floor(nowMs / this.granularityMs);
    const n = this.#buckets.length;
    const last = this.#last;
    if (last === idx) {
      this.#add(idx, value);
      return;
    }
    if (last !== null && idx <= last - n) return;
    if (this.#first === null || this.#first > idx) this.#first = idx;
    if (last === null || idx - last >= n) {
      this.#buckets.fill(0);
      this.#total = 0;
      this.#first = idx;
      this.#last = idx;
    } else if (idx > last) {
      for (let i = last + 1; i <= idx; i++) {
        const slot = this.#slot(i);
        this.#total -= this.#buckets[slot]!;
        this.#buckets[slot] = 0;
      }
      this.#last = idx;
    }
    this.#add(idx, value);
  }

  /**
   * Records `value`, measured over the `intervalMs` ending at nowMs, weighted by interval / bucket
   * width and spread over the buckets it covers (at most the whole window) when longer than one.
   */
  recordInterval(nowMs: number, intervalMs: number, value: number): void {
    if (!(intervalMs > 0)) return;
    const g = this.granularityMs;
    const n = this.#buckets.length;
    const pieces = Math.min(Math.max(1, Math.round(intervalMs / g)), n);
    const weight = Math.min(intervalMs, n * g) / pieces / g;
    for (let j = pieces - 1; j >= 0; j--) this.record(nowMs - j * g, value * weight);
  }

  /** The window average at nowMs (see the module header for the rules). */
  average(nowMs: number): number {
    const last = this.#last;
    const first = this.#first;
    if (last === null || first === null) return 0;
    const now = Math.floor(nowMs / this.granularityMs);
    const n = this.#buckets.length;
    const behind = now - last;
    if (behind <= 0) {
      return floorToPrecision(this.#total / Math.min(last - first + 1, n));
    }
    if (behind >= n) return 0;
    let total = this.#total;
    for (let i = last + 1; i <= now; i++) total -= this.#buckets[this.#slot(i)]!;
    return floorToPrecision(total / Math.min(last - first + 1, n - behind));
  }

  /** True when nothing was recorded within the window ending at nowMs. */
  isEmpty(nowMs: number): boolean {
    if (this.#last === null) return true;
    return Math.floor(nowMs / this.granularityMs) - this.#last > this.#buckets.length;
  }

  /** ms epoch of the start of the last bucket written, or null before any write. */
  get lastWriteMs(): number | null {
    return this.#last === null ? null : this.#last * this.granularityMs;
  }

  #add(idx: number, value: number): void {
    this.#buckets[this.#slot(idx)] += value;
    this.#total += value;
  }

  #slot(idx: number): number {
    const n = this.#buckets.length;
    return ((idx % n) + n) % n;
  }
}
