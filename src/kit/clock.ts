/**
 * Time as a dependency. Decision code (autoscaler, wake queue, simulator) never reads the wall
 * clock: it takes a Clock, so tests and the simulator can move time by hand.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs fn once after delayMs; the returned Timer cancels it. */
  setTimeout(fn: () => void, delayMs: number): Timer;
  /** Runs fn every periodMs until cancelled. */
  setInterval(fn: () => void, periodMs: number): Timer;
}

/** The real clock: Date.now and Node timers (unref'd, so they never keep the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, delayMs) {
    const t = setTimeout(fn, delayMs);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, periodMs) {
    const t = setInterval(fn, periodMs);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

interface Scheduled {
  id: number;
  at: number;
  periodMs: number | null;
  fn: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` runs every timer that falls due, in time
 * order, with `now()` set to each timer's due time while it runs.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers = new Map<number, Scheduled>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, delayMs: number): Timer {
    return this.#schedule(fn, delayMs, null);
  }

  setInterval(fn: () => void, periodMs: number): Timer {
    return this.#schedule(fn, periodMs, Math.max(1, periodMs));
  }

  /** Number of timers still scheduled. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by ms, running due timers in order. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  advanceTo(targetMs: number): void {
    for (;;) {
      const next = this.#nextDue(targetMs);
      if (!next) break;
      this.#now = next.at;
      if (next.periodMs === null) this.#timers.delete(next.id);
      else next.at += next.periodMs;
      next.fn();
    }
    if (targetMs > this.#now) this.#now = targetMs;
  }

  #nextDue(limit: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const t of this.#timers.values()) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    }
    return best;
  }

  #schedule(fn: () => void, delayMs: number, periodMs: number | null): Timer {
    const id = ++this.#seq;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, delayMs), periodMs, fn });
    return { cancel: () => void this.#timers.delete(id) };
  }
}
