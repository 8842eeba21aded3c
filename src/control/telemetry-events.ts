/**
 * Figures that come from events rather than from the gateway: cold starts (ColdStart events'
 * totalMs, as a histogram for /metrics and as a per-second count for the history) and scaling
 * actions (ScaledUp is "up"; ScaledDown and ScaledToZero are "down"). Counted since the server
 * started, as Prometheus counters are. A Deleted event forgets the app; at most `maxApps` apps
 * are tracked, later ones are left out rather than grow the map.
 */
import type { EbbEvent } from "../spec/types.js";

export interface AppEventFigures {
  /** Cold starts per bucket (not cumulative); the last entry is the +Inf bucket. Null before the first. */
  coldStartBuckets: number[] | null;
  coldStartSumSec: number;
  coldStartCount: number;
  scaledUp: number;
  scaledDown: number;
  /** Cold starts not yet taken into a history sample. */
  pendingColdStarts: number;
}

export class EventFigures {
  readonly #apps = new Map<string, AppEventFigures>();
  /** Apps with cold starts not yet taken (a subset of #apps). */
  readonly #pending = new Set<string>();
  readonly #boundsSec: readonly number[];
  readonly #maxApps: number;

  constructor(boundsSec: readonly number[], maxApps: number) {
    this.#boundsSec = boundsSec;
    this.#maxApps = maxApps;
  }

  get boundsSec(): readonly number[] {
    return this.#boundsSec;
  }

  /** Apps with figures, for /metrics. */
  entries(): IterableIterator<[string, AppEventFigures]> {
    return this.#apps.entries();
  }

  get(app: string): AppEventFigures | undefined {
    return this.#apps.get(app);
  }

  /** Apps with cold starts not yet taken into a sample. */
  pendingApps(): IterableIterator<string> {
    return this.#pending.values();
  }

  observe(e: EbbEvent): void {
    switch (e.type) {
      case "ColdStart": {
        const f = this.#figures(e.app);
        const totalMs = Number(e.data.totalMs);
        if (!f || !Number.isFinite(totalMs)) return;
        const sec = Math.max(0, totalMs) / 1000;
        let i = 0;
        while (i < this.#boundsSec.length && sec > this.#boundsSec[i]!) i++;
        (f.coldStartBuckets ??= new Array<number>(this.#boundsSec.length + 1).fill(0))[i]!++;
        f.coldStartSumSec += sec;
        f.coldStartCount++;
        f.pendingColdStarts++;
        this.#pending.add(e.app);
        return;
      }
      case "ScaledUp":
      case "ScaledDown":
      case "ScaledToZero": {
        const f = this.#figures(e.app);
        if (!f) return;
        if (e.type === "ScaledUp") f.scaledUp++;
        else f.scaledDown++;
        return;
      }
      case "Deleted":
        this.#apps.delete(e.app);
        this.#pending.delete(e.app);
        return;
      default:
        return;
    }
  }

  /** Cold starts since the previous call for this app (for one history sample). */
  takeColdStarts(app: string): number {
    const f = this.#apps.get(app);
    if (!f) return 0;
    const n = f.pendingColdStarts;
    f.pendingColdStarts = 0;
    this.#pending.delete(app);
    return n;
  }

  #figures(app: string): AppEventFigures | undefined {
    let f = this.#apps.get(app);
    if (f) return f;
    if (this.#apps.size >= this.#maxApps) return undefined;
    f = {
      coldStartBuckets: null,
      coldStartSumSec: 0,
      coldStartCount: 0,
      scaledUp: 0,
      scaledDown: 0,
      pendingColdStarts: 0,
    };
    this.#apps.set(app, f);
    return f;
  }
}

/** Cumulative counts per bound from per-bucket counts (the +Inf entry is left out). */
export function cumulativeOf(buckets: readonly number[], bounds: number): number[] {
  const out: number[] = [];
  let running = 0;
  for (let i = 0; i < bounds; i++) out.push((running += buckets[i]!));
  return out;
}
