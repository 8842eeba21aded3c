/**
 * Request metrics per app for the /metrics endpoint: answers by status code and a
 * request-duration histogram with Prometheus-style cumulative buckets in seconds. Recording is a
 * map increment and a short bucket scan; the snapshot does the cumulative sums.
 * The status map's bound is the range of HTTP status codes (100-599, plus 499 for clients that
 * left before an answer, as nginx counts them).
 */

/** Upper bounds in seconds: Prometheus' defaults, extended to the longest request timeout (1 h). */
export const durationBucketsSec: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600]);

/** Status recorded for a request whose client disconnected before any answer. */
export const clientClosedStatus = 499;

export interface DurationHistogram {
  /** Upper bounds (`le`) in seconds; a final +Inf bucket is implied by `count`. */
  bucketsSec: readonly number[];
  /** Cumulative counts per bound, as Prometheus exposes them. */
  cumulative: number[];
  sumSec: number;
  count: number;
}

export interface AppRequestMetrics {
  app: string;
  /** Answers by HTTP status code ("200", "503", ...). */
  requests: Record<string, number>;
  duration: DurationHistogram;
  /** In flight now, waiting ones included. */
  inflight: number;
  /** Waiting for a replica now. */
  queued: number;
}

export interface RequestMetricsSnapshot {
  apps: AppRequestMetrics[];
  /** Requests whose Host matched no app (answered 404). */
  unrouted: number;
}

export class RequestMetrics {
  /** The metrics of an app without any answer yet (never recorded into). */
  static readonly none: Pick<RequestMetrics, "snapshot"> = new RequestMetrics();

  #byStatus = new Map<number, number>();
  #buckets: number[] = new Array<number>(durationBucketsSec.length).fill(0);
  #sumMs = 0;
  #count = 0;

  record(status: number, durationMs: number): void {
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1);
    const sec = durationMs / 1000;
    for (let i = 0; i < durationBucketsSec.length; i++) {
      if (sec <= durationBucketsSec[i]!) {
        this.#buckets[i]!++;
        break;
      }
    }
    this.#sumMs += durationMs;
    this.#count++;
  }

  snapshot(app: string, inflight: number, queued: number): AppRequestMetrics {
    // Integer-like keys of an object enumerate in ascending order, so `requests` comes out sorted.
    const requests: Record<string, number> = {};
    for (const [status, n] of this.#byStatus) requests[String(status)] = n;
    const cumulative: number[] = [];
    let running = 0;
    for (const n of this.#buckets) cumulative.push((running += n));
    return {
      app,
      requests,
      duration: { bucketsSec: durationBucketsSec, cumulative, sumSec: this.#sumMs / 1000, count: this.#count },
      inflight,
      queued,
    };
  }
}
