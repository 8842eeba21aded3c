/**
 * Memory limits without cgroups: every `pollMs` the resident memory of each watched replica's
 * process group is sampled (one pass over /proc for all replicas) and a group over its limit is
 * reported once, so the runtime can SIGKILL it and report OOM_KILLED. A sample that takes longer
 * than the period skips the next tick instead of piling up. The timer runs only while something
 * is watched, and never where /proc is absent.
 */
import type { Clock, Timer } from "../../kit/clock.js";
import type { Logger } from "../../kit/log.js";
import { groupRssBytes, procAvailable } from "./proc-fs.js";

export type GroupSampler = (pgids: ReadonlySet<number>) => Promise<Map<number, number>>;

export interface MemoryWatchOptions {
  clock: Clock;
  /** Sampling period, ms. */
  pollMs: number;
  log: Logger;
  /** Reads RSS per process group; /proc by default (tests pass their own). */
  sample?: GroupSampler;
  /** Whether sampling is possible at all; /proc's presence by default. */
  enabled?: boolean;
}

interface Watched {
  limitBytes: number;
  onOver: (rssBytes: number) => void;
}

export class MemoryWatch {
  #opts: MemoryWatchOptions;
  #sample: GroupSampler;
  #enabled: boolean;
  /** Keyed by process group; bounded by the live replicas. */
  #groups = new Map<number, Watched>();
  #timer: Timer | null = null;
  #busy = false;
  #closed = false;

  constructor(opts: MemoryWatchOptions) {
    this.#opts = opts;
    this.#sample = opts.sample ?? groupRssBytes;
    this.#enabled = opts.enabled ?? procAvailable;
  }

  /** Watches a group; `onOver` is called at most once. Returns the function that stops watching. */
  watch(pgid: number, limitBytes: number, onOver: (rssBytes: number) => void): () => void {
    if (!this.#enabled || this.#closed || !(limitBytes > 0)) return () => {};
    const entry: Watched = { limitBytes, onOver };
    this.#groups.set(pgid, entry);
    this.#timer ??= this.#opts.clock.setInterval(() => void this.#poll(), this.#opts.pollMs);
    return () => {
      if (this.#groups.get(pgid) === entry) this.#groups.delete(pgid);
      if (this.#groups.size === 0) this.#stopTimer();
    };
  }

  get watching(): number {
    return this.#groups.size;
  }

  /** Stops watching everything. Idempotent; destroy() is the same, as nothing is in flight to drain. */
  close(): void {
    this.#closed = true;
    this.#groups.clear();
    this.#stopTimer();
  }

  destroy(): void {
    this.close();
  }

  async #poll(): Promise<void> {
    if (this.#busy || this.#groups.size === 0) return;
    this.#busy = true;
    try {
      const rss = await this.#sample(new Set(this.#groups.keys()));
      for (const [pgid, bytes] of rss) {
        const entry = this.#groups.get(pgid);
        if (!entry || bytes <= entry.limitBytes) continue;
        this.#groups.delete(pgid);
        entry.onOver(bytes);
      }
      if (this.#groups.size === 0) this.#stopTimer();
    } catch (err) {
      this.#opts.log.warn("memory sampling failed", { err });
    } finally {
      this.#busy = false;
    }
  }

  #stopTimer(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }
}
