/**
 * Records events in the store and hands them to live subscribers (the API's event streams, the
 * console, `ebb logs -f`). A subscriber that throws is dropped so it cannot stall the others.
 */
import type { Clock } from "../kit/clock.js";
import type { Logger } from "../kit/log.js";
import type { EbbEvent, EventType } from "../spec/types.js";
import type { Store } from "../store/types.js";

/** Live subscribers at most; past it, subscribe() throws rather than grow without bound. */
const maxSubscribers = 10_000;

export class EventLog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #subscribers = new Set<(e: EbbEvent) => void>();

  constructor(store: Store, clock: Clock, log: Logger) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
  }

  emit(app: string, type: EventType, message: string, data: Record<string, unknown> = {}, revision: number | null = null): EbbEvent {
    const event = this.#store.appendEvent({ app, type, time: new Date(this.#clock.now()).toISOString(), revision, message, data });
    this.#log.info(message, { app, event: type });
    this.publish(event);
    return event;
  }

  /** Sends an event to subscribers without storing it (for an app that no longer exists). */
  publish(event: EbbEvent): void {
    for (const fn of this.#subscribers) {
      try {
        fn(event);
      } catch (err) {
        this.#subscribers.delete(fn);
        this.#log.warn("event subscriber failed; dropped", { err });
      }
    }
  }

  subscribe(fn: (e: EbbEvent) => void): () => void {
    if (this.#subscribers.size >= maxSubscribers) throw new Error(`too many event subscribers (${maxSubscribers})`);
    this.#subscribers.add(fn);
    return () => void this.#subscribers.delete(fn);
  }
}
