/**
 * The in-memory log tail every runtime keeps: per app, the last `linesPerApp` lines (a ring, so
 * appending is O(1)) and the live subscribers of `subscribeLogs`. Both maps are keyed by app and
 * bounded: at most `maxApps` tails are kept, the least recently written one is dropped first
 * (an app with live replicas writes often, so idle apps go first); subscribers live only as long
 * as their subscription. A runtime that also keeps the lines elsewhere (the local runtime's files)
 * passes `history`: lines() then takes what the tail lacks from it, so a tail can be dropped
 * (`forget`) without losing what `logs()` shows.
 */
import type { Logger } from "../kit/log.js";
import type { LogLine } from "./types.js";

export interface LogTailOptions {
  /** Lines kept per app. Default 2,000. */
  linesPerApp?: number;
  /** Apps whose tails are kept at once. Default 10,000. */
  maxApps?: number;
  /**
   * The app's lines strictly older than `beforeMs`, newest `limit` of them, oldest first: what is
   * kept beyond the tail. Without it a dropped tail's lines are gone.
   */
  history?: (app: string, query: { beforeMs: number; limit: number; replica?: string }) => LogLine[];
  log: Logger;
}

/** The last `capacity` lines; storage grows with the lines written, so a quiet app costs little. */
class Ring {
  #lines: LogLine[] = [];
  /** Index of the oldest line once the ring is full. */
  #start = 0;

  constructor(readonly capacity: number) {}

  push(line: LogLine): void {
    if (this.#lines.length < this.capacity) {
      this.#lines.push(line);
      return;
    }
    this.#lines[this.#start] = line;
    this.#start = (this.#start + 1) % this.capacity;
  }

  get size(): number {
    return this.#lines.length;
  }

  toArray(): LogLine[] {
    const lines = this.#lines;
    return this.#start === 0 ? lines.slice() : [...lines.slice(this.#start), ...lines.slice(0, this.#start)];
  }
}

export class LogTails {
  readonly linesPerApp: number;
  readonly maxApps: number;
  #log: Logger;
  #history: LogTailOptions["history"];
  /** Insertion order is recency order: a write moves the app to the end. */
  #tails = new Map<string, Ring>();
  #subscribers = new Map<string, Set<(line: LogLine) => void>>();

  constructor(opts: LogTailOptions) {
    this.linesPerApp = Math.max(1, opts.linesPerApp ?? 2_000);
    this.maxApps = Math.max(1, opts.maxApps ?? 10_000);
    this.#log = opts.log;
    this.#history = opts.history;
  }

  append(line: LogLine): void {
    let ring = this.#tails.get(line.app);
    if (ring) this.#tails.delete(line.app);
    else {
      ring = new Ring(this.linesPerApp);
      if (this.#tails.size >= this.maxApps) this.#tails.delete(this.#tails.keys().next().value!);
    }
    this.#tails.set(line.app, ring);
    ring.push(line);
    const subs = this.#subscribers.get(line.app);
    if (!subs) return;
    for (const fn of subs) {
      try {
        fn(line);
      } catch (err) {
        this.#log.warn("log subscriber failed", { app: line.app, err });
      }
    }
  }

  /**
   * Oldest first, at most `linesPerApp`; `limit` keeps the newest lines, `replica` keeps one
   * replica's lines. Lines older than the tail's come from `history` when the tail holds fewer
   * than asked for (a dropped or never-filled tail).
   */
  lines(app: string, opts: { limit?: number; replica?: string } = {}): LogLine[] {
    const want = Math.min(opts.limit ?? this.linesPerApp, this.linesPerApp);
    if (want <= 0) return [];
    const ring = this.#tails.get(app);
    let lines = ring?.toArray() ?? [];
    if (opts.replica !== undefined) lines = lines.filter((l) => l.replica === opts.replica);
    // A full ring was never dropped since it filled: whatever is older was pushed out of it.
    if (lines.length < want && this.#history && (ring === undefined || ring.size < ring.capacity)) {
      const beforeMs = lines[0]?.time ?? Number.POSITIVE_INFINITY;
      const query = { beforeMs, limit: want - lines.length, ...(opts.replica !== undefined && { replica: opts.replica }) };
      lines = [...this.#history(app, query), ...lines];
    }
    return lines.slice(-want);
  }

  subscribe(app: string, fn: (line: LogLine) => void): () => void {
    let subs = this.#subscribers.get(app);
    if (!subs) this.#subscribers.set(app, (subs = new Set()));
    const entry = (line: LogLine): void => fn(line);
    subs.add(entry);
    return () => {
      subs.delete(entry);
      if (subs.size === 0 && this.#subscribers.get(app) === subs) this.#subscribers.delete(app);
    };
  }

  /** Apps with a tail in memory. */
  get size(): number {
    return this.#tails.size;
  }

  /** Drops an app's tail (its subscribers stay until they unsubscribe); `history` keeps its lines. */
  forget(app: string): void {
    this.#tails.delete(app);
  }
}
