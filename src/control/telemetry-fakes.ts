/**
 * Fakes of telemetry's ports for its unit tests: a gateway that counts requests into the same
 * cumulative buckets the real one exposes, and a fleet whose apps, replica counts and events a
 * test sets by hand.
 */
import type { AppView, EbbEvent, ReplicaCounts } from "../spec/types.js";
import { testAppView } from "../spec/test-views.js";
import type { FleetPort, RequestMetricsPort, RequestMetricsSnapshot } from "./telemetry-ports.js";

/** Upper bounds in seconds, a prefix of the gateway's. */
export const fakeBoundsSec: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]);

interface FakeApp {
  byStatus: Map<number, number>;
  buckets: number[];
  sumMs: number;
  count: number;
  inflight: number;
  queued: number;
}

export class FakeGateway implements RequestMetricsPort {
  readonly #apps = new Map<string, FakeApp>();
  /** Apps counted into since the last changedRequestMetrics(), as the gateway keeps them. */
  readonly #changed = new Set<string>();
  unrouted = 0;
  /** How many times requestMetrics() or changedRequestMetrics() was called. */
  reads = 0;
  /** App entries handed out by both, in total (what a reader walked). */
  appsRead = 0;

  add(app: string): this {
    if (!this.#apps.has(app)) this.#apps.set(app, { byStatus: new Map(), buckets: new Array<number>(fakeBoundsSec.length).fill(0), sumMs: 0, count: 0, inflight: 0, queued: 0 });
    return this;
  }

  remove(app: string): void {
    this.#apps.delete(app);
    this.#changed.delete(app);
  }

  /** Counts `n` answers of `status` that took `durationMs` each. */
  record(app: string, status: number, durationMs: number, n = 1): void {
    const a = this.add(app).#apps.get(app)!;
    for (let k = 0; k < n; k++) {
      a.byStatus.set(status, (a.byStatus.get(status) ?? 0) + 1);
      const i = fakeBoundsSec.findIndex((b) => durationMs / 1000 <= b);
      if (i >= 0) a.buckets[i]!++;
      a.sumMs += durationMs;
      a.count++;
    }
    this.#changed.add(app);
  }

  setInflight(app: string, inflight: number, queued = 0): void {
    const a = this.add(app).#apps.get(app)!;
    a.inflight = inflight;
    a.queued = queued;
    this.#changed.add(app);
  }

  requestMetrics(): RequestMetricsSnapshot {
    return this.#read([...this.#apps.keys()]);
  }

  changedRequestMetrics(): RequestMetricsSnapshot {
    const apps = [...this.#changed];
    this.#changed.clear();
    for (const app of apps) if (this.#apps.get(app)!.inflight > 0 || this.#apps.get(app)!.queued > 0) this.#changed.add(app);
    return this.#read(apps);
  }

  #read(names: string[]): RequestMetricsSnapshot {
    this.reads++;
    this.appsRead += names.length;
    const apps = names.map((app) => {
      const a = this.#apps.get(app)!;
      let running = 0;
      return {
        app,
        requests: Object.fromEntries([...a.byStatus].sort((x, y) => x[0] - y[0]).map(([s, n]) => [String(s), n])),
        duration: { bucketsSec: fakeBoundsSec, cumulative: a.buckets.map((n) => (running += n)), sumSec: a.sumMs / 1000, count: a.count },
        inflight: a.inflight,
        queued: a.queued,
      };
    });
    return { apps, unrouted: this.unrouted };
  }
}

export class FakeFleet implements FleetPort {
  readonly counts = new Map<string, ReplicaCounts>();
  readonly #subscribers = new Set<(e: EbbEvent) => void>();
  #nextId = 1;

  set(app: string, counts: Partial<ReplicaCounts>): void {
    this.counts.set(app, { desired: 0, ready: 0, starting: 0, draining: 0, ...this.counts.get(app), ...counts });
  }

  listSummaries(): AppView[] {
    return [...this.counts.keys()].map((name) => fakeView(name, this.counts.get(name)!));
  }

  /** How many times summary() was called. */
  summaryReads = 0;

  summary(app: string): AppView | undefined {
    this.summaryReads++;
    const c = this.counts.get(app);
    return c && fakeView(app, c);
  }

  /** Forgets the app (a test emits its Deleted event). */
  remove(app: string): void {
    this.counts.delete(app);
  }

  /** How many times replicaScale() was called. */
  scaleReads = 0;

  replicaScale(app: string): { desired: number; ready: number } | undefined {
    this.scaleReads++;
    const c = this.counts.get(app);
    return c && { desired: c.desired, ready: c.ready };
  }

  replicaCounts(app: string): ReplicaCounts | undefined {
    return this.counts.get(app);
  }

  subscribeEvents(fn: (event: EbbEvent) => void): () => void {
    this.#subscribers.add(fn);
    return () => void this.#subscribers.delete(fn);
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  emit(app: string, type: EbbEvent["type"], data: Record<string, unknown> = {}): void {
    const event: EbbEvent = { id: this.#nextId++, app, type, time: new Date(0).toISOString(), revision: 1, message: type, data };
    for (const fn of this.#subscribers) fn(event);
  }
}

function fakeView(name: string, replicas: ReplicaCounts): AppView {
  return testAppView(name, { replicas });
}
