/**
 * The simulator's shared vocabulary. What the replay consumes: requests in arrival order, one at
 * a time. Every trace reader produces this shape, and so can anything else that knows when
 * requests arrived (recorded-arrivals.ts, over the gateway's recorded per-second counts), which is why
 * the replay takes an iterator and never a list: a trace of millions of requests is never held
 * in memory. And the model's constants and defaults, in one place, with their units in their
 * names: `ebb sim` flags override each, and docs/simulation.md quotes them.
 */

export interface ReplayRequest {
  /** The app it was sent to (the unit that scales). */
  app: string;
  /** Arrival time, whole ms (an epoch of the reader's choice, the same for the whole trace). */
  timeMs: number;
  /** Work it needs from a replica, in ms, when the trace says; otherwise the replay's default. */
  serviceMs?: number;
}

export interface ReplaySource {
  /** Where the requests come from, for reports (e.g. a file name). */
  name: string;
  /** Requests sorted by timeMs (ties in any order). */
  requests: Iterable<ReplayRequest>;
  /** When the traced period starts (ms); default: the first arrival, down to a whole second. */
  startMs?: number;
  /** When the traced period ends (ms); default: the last arrival. Costs are counted up to here. */
  endMs?: number;
  /** Apps known before the first request (registered at the start, so `min` replicas count from it). */
  apps?: readonly string[];
  /** How service times were obtained, for reports (e.g. "prefill 0.2 ms/token + decode 30 ms/token"). */
  serviceModel?: string;
}

/** A source over an in-memory list, for tests and small programmatic replays. */
export function listSource(requests: readonly ReplayRequest[], opts: Partial<Omit<ReplaySource, "requests">> = {}): ReplaySource {
  return { name: "list", ...opts, requests };
}

export const simDefaults = Object.freeze({
  /** Seed of every random stream (arrival spreading, drawn service times, cold starts). */
  seed: 1,
  /** Time a new replica takes to become ready: a fixed 1 s unless `--cold-start` says otherwise. */
  coldStart: "1s",
  /** Service time of a request whose trace gives none (timestamps without a duration column). */
  serviceTime: "1s",
  /** LLM traces: prefill cost per context (prompt) token, ms. 4,000 tokens -> 0.8 s. */
  prefillMsPerToken: 0.2,
  /** LLM traces: decode cost per generated token, ms. 200 tokens -> 6 s. */
  decodeMsPerToken: 30,
  /** Requests that may wait for a replica per app (the gateway's defaultWakeQueueLimit). */
  wakeQueueLimit: 1000,
  /** Requests in flight across all apps at once before the replay stops (a memory bound). */
  maxInflightRequests: 2_000_000,
  /** The paper measures' baseline: a fixed keep-alive of this many seconds with replicas [0, 1]. */
  baselineKeepAliveSec: 600,
  /** A replay whose work goes on this long past the trace's end stops there (a runaway guard). */
  maxOverrunMs: 24 * 3600 * 1000,
});
