/**
 * Latency percentiles from histogram buckets, for the recorded history and the overview. The
 * gateway counts request durations in cumulative buckets (Prometheus style, upper bounds in
 * seconds); a second's or a window's requests are the difference of two such readings.
 *
 * Estimation is Prometheus' `histogram_quantile`: find the bucket that holds the q-th request
 * and interpolate linearly between its lower and upper bound, assuming requests are spread
 * evenly inside it. The error is at most the bucket's width. Requests past the last finite
 * bound (+Inf bucket) give that bound, a lower estimate.
 * Example: bounds [0.005, 0.01, 0.025] s, counts [2, 6, 2] (10 requests). p50 is request 5,
 * the 3rd of 6 in (5 ms, 10 ms]: 5 + 5 x 3/6 = 7.5 ms. p99 is request 9.9, the 1.9th of 2 in
 * (10 ms, 25 ms]: 10 + 15 x 1.9/2 = 24.25 ms.
 */

/**
 * Requests per bucket (not cumulative) between two readings of a cumulative histogram; the last
 * entry is the +Inf bucket. A reading older than `prev` (a reset) counts from zero.
 */
export function bucketDeltas(cumulative: readonly number[], count: number, prevCumulative: readonly number[] | null, prevCount: number): number[] {
  const reset = prevCumulative === null || count < prevCount || prevCumulative.length !== cumulative.length;
  const out = new Array<number>(cumulative.length + 1);
  let below = 0;
  for (let i = 0; i < cumulative.length; i++) {
    const upTo = cumulative[i]! - (reset ? 0 : prevCumulative![i]!);
    out[i] = Math.max(0, upTo - below);
    below = upTo;
  }
  out[cumulative.length] = Math.max(0, count - (reset ? 0 : prevCount) - below);
  return out;
}

/**
 * The q-quantile (0 < q <= 1) in ms of requests counted per bucket (`counts` has one entry per
 * bound plus the +Inf bucket), or null when there are none.
 */
export function quantileMs(q: number, boundsSec: readonly number[], counts: readonly number[]): number | null {
  let total = 0;
  for (const n of counts) total += n;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0 && below + n >= rank) {
      if (i >= boundsSec.length) return round(boundsSec[boundsSec.length - 1]! * 1000);
      const lower = i === 0 ? 0 : boundsSec[i - 1]!;
      const upper = boundsSec[i]!;
      return round((lower + ((upper - lower) * (rank - below)) / n) * 1000);
    }
    below += n;
  }
  return round(boundsSec[boundsSec.length - 1]! * 1000);
}

/** Adds `counts` into `into` element by element. */
export function addCounts(into: number[], counts: readonly number[]): void {
  for (let i = 0; i < counts.length; i++) into[i] = (into[i] ?? 0) + counts[i]!;
}

/** Microsecond precision: enough for ms figures, and stable text in JSON. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
