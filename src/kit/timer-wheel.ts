/**
 * Many deadlines on one Clock, for a hot path that sets one per request and almost always cancels
 * it: a hashed timing wheel (Varghese and Lauck). Each entry carries its own links (the list is
 * intrusive), so arming and cancelling allocate nothing and cost O(1), where a Node timer per
 * request costs a Timeout object, a closure and a list insert, then a removal.
 *
 * The price is precision: entries run at the first tick at or after their due time, so up to
 * `tickMs` late, never early. One interval on the Clock drives the ticks, armed only while
 * entries are waiting, so an idle wheel costs nothing.
 *
 * Example: tickMs 100, 1024 slots (one lap is 102.4 s). An entry due at t = 5_250 ms sits in slot
 * floor(5250 / 100) % 1024 = 52 and runs at the tick at 5_300 ms. A 300 s deadline sits in its
 * slot for three laps; each lap's visit finds it not yet due and leaves it.
 */
import type { Clock, Timer } from "./clock.js";

/** Something with a deadline in a TimerWheel; the wheel owns the `wheel*` fields. */
export interface WheelEntry {
  /** When it is due, clock ms (set by `add`). */
  dueAt: number;
  wheelPrev: WheelEntry | null;
  wheelNext: WheelEntry | null;
  /** Its slot; -1 when not in the wheel (the initial value), -2 while about to run. */
  wheelSlot: number;
  /** The deadline passed; the entry is already out of the wheel. */
  onDue(): void;
}

export class TimerWheel {
  readonly #clock: Clock;
  readonly #tickMs: number;
  readonly #heads: Array<WheelEntry | null>;
  /** The tick (clock ms / tickMs) up to which slots were visited; its slot is visited again next time. */
  #tick: number;
  #size = 0;
  #timer: Timer | null = null;
  #destroyed = false;
  readonly #due: WheelEntry[] = [];

  /** `tickMs`: how late an entry may run, ms (default 100); `slots`: how many lists one lap has. */
  constructor(clock: Clock, tickMs = 100, slots = 1024) {
    this.#clock = clock;
    this.#tickMs = tickMs;
    this.#heads = new Array<WheelEntry | null>(slots).fill(null);
    this.#tick = Math.floor(clock.now() / tickMs);
  }

  /** Entries waiting. */
  get size(): number {
    return this.#size;
  }

  /** Puts `e` in the wheel, due at `dueAt` (clock ms); an entry already in it moves. */
  add(e: WheelEntry, dueAt: number): void {
    if (e.wheelSlot !== -1) this.remove(e);
    e.dueAt = dueAt;
    // A time already past goes to the slot visited next, so it runs at the next tick.
    const slot = Math.max(Math.floor(dueAt / this.#tickMs), this.#tick) % this.#heads.length;
    const head = this.#heads[slot]!;
    e.wheelSlot = slot;
    e.wheelPrev = null;
    e.wheelNext = head;
    if (head !== null) head.wheelPrev = e;
    this.#heads[slot] = e;
    if (this.#size++ === 0 && this.#timer === null && !this.#destroyed) this.#timer = this.#clock.setInterval(this.#onTick, this.#tickMs);
  }

  /** Takes `e` out of the wheel (nothing when it is not in it, or already ran). */
  remove(e: WheelEntry): void {
    const slot = e.wheelSlot;
    if (slot === -1) return;
    e.wheelSlot = -1;
    if (slot === -2) return; // collected as due, not run yet: it will be skipped
    const prev = e.wheelPrev;
    const next = e.wheelNext;
    if (prev !== null) prev.wheelNext = next;
    else this.#heads[slot] = next;
    if (next !== null) next.wheelPrev = prev;
    e.wheelPrev = e.wheelNext = null;
    this.#size--;
  }

  /** Runs every entry due at or before `now`, in no particular order. */
  advance(now: number): void {
    const heads = this.#heads;
    const last = Math.floor(now / this.#tickMs);
    // A clock that jumped more than a lap visits each slot once.
    const first = Math.max(this.#tick, last - heads.length + 1);
    const due = this.#due;
    for (let t = first; t <= last; t++) {
      for (let e = heads[t % heads.length]!; e !== null; ) {
        const next = e.wheelNext;
        if (e.dueAt <= now) {
          this.remove(e);
          e.wheelSlot = -2;
          due.push(e);
        }
        e = next!;
      }
    }
    this.#tick = last;
    // Run after collecting, so that an entry added or removed by another's onDue keeps the lists sound.
    for (let i = 0; i < due.length; i++) {
      const e = due[i]!;
      if (e.wheelSlot !== -2) continue; // removed by an earlier onDue
      e.wheelSlot = -1;
      e.onDue();
    }
    due.length = 0;
  }

  /** Stops the ticks; entries still in the wheel never run. */
  destroy(): void {
    this.#destroyed = true;
    this.#timer?.cancel();
    this.#timer = null;
  }

  #onTick = (): void => {
    this.advance(this.#clock.now());
    if (this.#size > 0 || this.#timer === null) return;
    this.#timer.cancel();
    this.#timer = null;
  };
}
