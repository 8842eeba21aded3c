/**
 * Latency percentiles in bounded memory: a histogram of log-spaced buckets, 1 % wide, from 1 ms
 * to about 3.6 hours (one bucket below 1 ms; values above the top go into the top one, which reads
 * as the exact maximum), about 1,600 counters whatever the number of requests. A percentile is the geometric middle of the bucket
 * holding the nearest-rank sample (rank = ceil(q x n)), clamped into the exact minimum and
 * maximum seen, so it is within 0.5 % of a value that was recorded.
 */

const growth = 1.01;
const logGrowth = Math.log(growth);
const topMs = 3 * 3600 * 1000 * 1.2;
const buckets = 2 + Math.ceil(Math.log(topMs) / logGrowth);

export class LatencyHistogram {
  readonly #counts = new Float64Array(buckets);
  #n = 0;
  #min = Infinity;
  #max = -Infinity;
  #sum = 0;

  /** Records one latency in ms (>= 0). */
  record(ms: number): void {
    const v = ms > 0 ? ms : 0;
    this.#counts[bucketOf(v)]++;
    this.#n++;
    this.#sum += v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  get count(): number {
    return this.#n;
  }

  /** Mean in ms (exact); 0 when empty. */
  get meanMs(): number {
    return this.#n === 0 ? 0 : this.#sum / this.#n;
  }

  get maxMs(): number {
    return this.#n === 0 ? 0 : this.#max;
  }

  /** The q-quantile (0 < q <= 1) in ms; 0 when empty. */
  quantile(q: number): number {
    if (this.#n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#n));
    let seen = 0;
    for (let i = 0; i < buckets; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return i === buckets - 1 ? this.#max : Math.min(this.#max, Math.max(this.#min, middleOf(i)));
    }
    return this.#max;
  }
}

function bucketOf(ms: number): number {
  if (ms < 1) return 0;
  return Math.min(buckets - 1, 1 + Math.floor(Math.log(ms) / logGrowth));
}

/** Bucket i >= 1 holds [growth^(i-1), growth^i); bucket 0 holds [0, 1). */
function middleOf(i: number): number {
  if (i === 0) return 0.5;
  return Math.pow(growth, i - 0.5);
}
