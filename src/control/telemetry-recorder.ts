/**
 * The recorder behind the console's charts and the overview: once a second, on the second, it
 * reads the gateway's request metrics and the control plane's replica counts, and writes one
 * MetricSample per app with anything to record, in one store batch. The sample stamped T covers
 * the second [T, T + 1000): the requests that finished in it (errors are 5xx answers), p50/p99
 * estimated from that second's share of the duration histogram (telemetry-percentiles.ts), the
 * cold starts reported in it, and in-flight and replica counts as read at its end.
 *
 * Cost follows the apps with something to record, not the apps registered: a second reads the
 * gateway's changed apps only (changedRequestMetrics: counts that moved, requests in flight),
 * plus the apps still awake at the previous second (replicas, requests), the apps with an event
 * since (a replica started, a decision, a deploy: `observe`) and those with a cold start to
 * count. An app at zero with none of these is not visited at all; one that goes idle writes a
 * single all-zero sample so charts show the drop. The first second after start reads every app
 * (apps brought back at start get replicas without events), and so does the second after more
 * than `maxApps` apps had events. Per-app state exists only for apps that were ever active; a
 * Deleted event, or an app missing from a full read, forgets it.
 * It also keeps the last `trafficWindowSec` seconds with requests per app (the overview's rps
 * and percentiles), each app's last finished request, and compacts the history once a minute.
 *
 * For the overview's deltas it remembers which apps a second looked at (`takeTouched`): the apps
 * sampled, whose traffic figures or view may have moved, plus the apps with requests still in
 * their traffic window, whose rps and percentiles change as those seconds age out even when
 * nothing else happens. Every other app's figures stayed as they were.
 */
import type { Clock, Timer } from "../kit/clock.js";
import type { Logger } from "../kit/log.js";
import type { EbbEvent } from "../spec/types.js";
import type { MetricSample, MetricsHistory } from "../store/types.js";
import type { AppTraffic } from "./types.js";
import type { EventFigures } from "./telemetry-events.js";
import { addCounts, bucketDeltas, quantileMs } from "./telemetry-percentiles.js";
import type { AppRequestMetrics, FleetPort, RequestMetricsPort, TelemetryConfig } from "./telemetry-ports.js";

interface Slot {
  /** Epoch second the slot covers. */
  second: number;
  requests: number;
  /** Requests per duration bucket, +Inf last. */
  buckets: number[];
}

interface Track {
  prevCount: number;
  prevCumulative: readonly number[] | null;
  prevErrors: number;
  inflight: number;
  /** ms epoch of the end of the last second in which a request finished. */
  lastFinishedAt: number | null;
  /** ms epoch of the last second with replicas, requests or a cold start. */
  lastAwakeAt: number | null;
  /** The last sample written was all zero (or none was written yet). */
  quiet: boolean;
  /** Seconds with requests within the traffic window, oldest first. */
  window: Slot[];
  /** The tick that last sampled it. */
  seen: number;
}

export interface RecorderDeps {
  clock: Clock;
  log: Logger;
  history: Pick<MetricsHistory, "recordSamples" | "compact">;
  gateway: RequestMetricsPort;
  fleet: Pick<FleetPort, "replicaScale">;
  events: EventFigures;
  config: Readonly<TelemetryConfig>;
  /** Called after each second is recorded (the overview publishes then). */
  afterTick?: () => void;
}

export class SampleRecorder {
  readonly #d: RecorderDeps;
  readonly #tracks = new Map<string, Track>();
  /** Apps whose last sample was not quiet: they are sampled every second. */
  readonly #awake = new Set<string>();
  /** Apps with an event since the last second; at most maxApps, past it the next read is full. */
  readonly #flagged = new Set<string>();
  #fullRead = true;
  /** Apps with a slot in their traffic window: their figures change as the window moves. */
  readonly #windowed = new Set<string>();
  /** Apps looked at since the last takeTouched(); at most maxApps, past it every app counts as touched. */
  #touched = new Set<string>();
  #touchedAll = false;
  #timer: Timer | null = null;
  #compactTimer: Timer | null = null;
  #lastSecond = -1;
  #ticks = 0;
  #bounds: readonly number[] = [];
  #stopped = false;

  constructor(deps: RecorderDeps) {
    this.#d = deps;
  }

  /** Takes a baseline reading now, then records on every second boundary. Idempotent. */
  start(): void {
    if (this.#timer || this.#stopped) return;
    const now = this.#d.clock.now();
    this.#lastSecond = Math.floor(now / 1000) - 1;
    for (const m of this.#d.gateway.requestMetrics().apps) {
      if (m.duration.count > 0) this.#track(m.app, m);
    }
    this.#schedule();
    this.#compactTimer = this.#d.clock.setInterval(() => this.#compact(), this.#d.config.compactIntervalMs);
  }

  /** An event of the app: sample it next second (its replicas or desired count may have moved). */
  observe(e: EbbEvent): void {
    if (e.type === "Deleted") {
      this.#forget(e.app);
      this.#flagged.delete(e.app);
    } else if (this.#flagged.size < this.#d.config.maxApps) this.#flagged.add(e.app);
    else this.#fullRead = true;
  }

  /** Stops recording (what was written stays). Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#compactTimer?.cancel();
    this.#timer = this.#compactTimer = null;
  }

  /** The app's traffic over the window; zeros for an app without any. */
  traffic(app: string): AppTraffic {
    const track = this.#tracks.get(app);
    if (!track) return { rps: 0, inflight: 0, p50Ms: null, p99Ms: null };
    const span = Math.max(1, Math.min(this.#d.config.trafficWindowSec, this.#ticks));
    const from = this.#lastSecond - span + 1;
    let requests = 0;
    const buckets: number[] = [];
    for (const slot of track.window) {
      if (slot.second < from) continue;
      requests += slot.requests;
      addCounts(buckets, slot.buckets);
    }
    return {
      rps: Math.round((requests / span) * 1000) / 1000,
      inflight: track.inflight,
      p50Ms: quantileMs(0.5, this.#bounds, buckets),
      p99Ms: quantileMs(0.99, this.#bounds, buckets),
    };
  }

  /** ms epoch by which the app's last request had finished (to the second), or null. */
  lastRequestAt(app: string): number | null {
    return this.#tracks.get(app)?.lastFinishedAt ?? null;
  }

  /**
   * The apps whose traffic figures (or, having been sampled, their view) may have changed since
   * the previous call, or "all" when more than `maxApps` did. Clears the set.
   */
  takeTouched(): ReadonlySet<string> | "all" {
    const touched = this.#touchedAll ? "all" : this.#touched;
    this.#touched = new Set();
    this.#touchedAll = false;
    return touched;
  }

  /** ms epoch of the last second the app had replicas, requests or a cold start, or null. */
  lastAwakeAt(app: string): number | null {
    return this.#tracks.get(app)?.lastAwakeAt ?? null;
  }

  #schedule(): void {
    const delay = 1000 - (this.#d.clock.now() % 1000);
    this.#timer = this.#d.clock.setTimeout(() => {
      this.#timer = null;
      if (this.#stopped) return;
      let recorded = false;
      try {
        recorded = this.#tick();
      } catch (err) {
        this.#d.log.warn("recording metric samples failed", { err });
      }
      this.#schedule();
      if (recorded) this.#d.afterTick?.();
    }, delay);
  }

  /** Records the second that just ended; false when it was already recorded. */
  #tick(): boolean {
    const now = this.#d.clock.now();
    const second = Math.floor(now / 1000) - 1;
    // A timer that fires early lands in a second already recorded: the next one covers it.
    if (second <= this.#lastSecond) return false;
    this.#lastSecond = second;
    this.#ticks++;
    const tick = this.#ticks;
    const full = this.#fullRead;
    this.#fullRead = false;
    const changed = this.#d.gateway.changedRequestMetrics();
    const read = full ? this.#d.gateway.requestMetrics() : changed;
    const samples: MetricSample[] = [];
    const add = (sample: MetricSample | null): void => void (sample && samples.push(sample));
    for (const m of read.apps) add(this.#sampleOf(m.app, m, second, tick));
    // Not in the read: no request counted and none in flight since the last second.
    const others = (apps: Iterable<string>): void => {
      for (const app of apps) if (this.#tracks.get(app)?.seen !== tick) add(this.#sampleOf(app, null, second, tick));
    };
    others(this.#awake);
    others(this.#flagged);
    others(this.#d.events.pendingApps());
    this.#flagged.clear();
    if (full) for (const [app, t] of this.#tracks) if (t.seen !== tick) this.#forget(app);
    this.#moveWindows(second);
    if (samples.length > 0) this.#d.history.recordSamples(samples);
    return true;
  }

  /**
   * Marks the apps with requests in their window as touched (their rps and percentiles move with
   * the window) and lets go of those whose last slot has aged out, after one more mark for the
   * drop to zero. Costs the apps with requests in the last `trafficWindowSec` seconds.
   */
  #moveWindows(second: number): void {
    const oldest = second - this.#d.config.trafficWindowSec + 1;
    for (const app of this.#windowed) {
      this.#touch(app);
      const window = this.#tracks.get(app)?.window;
      while (window && window.length > 0 && window[0]!.second < oldest) window.shift();
      if (!window || window.length === 0) this.#windowed.delete(app);
    }
  }

  #touch(app: string): void {
    if (this.#touchedAll) return;
    if (this.#touched.size < this.#d.config.maxApps) this.#touched.add(app);
    else {
      this.#touchedAll = true;
      this.#touched.clear();
    }
  }

  /** One app's sample of the second; `m` is null when the gateway counted nothing new for it. */
  #sampleOf(app: string, m: AppRequestMetrics | null, second: number, tick: number): MetricSample | null {
    this.#touch(app);
    let track = this.#tracks.get(app);
    const requests = m === null ? 0 : m.duration.count - (track?.prevCount ?? 0);
    const inflight = m?.inflight ?? 0;
    const scale = this.#d.fleet.replicaScale(app);
    const desired = scale?.desired ?? 0;
    const ready = scale?.ready ?? 0;
    const coldStarts = this.#d.events.takeColdStarts(app);
    const busy = requests !== 0 || inflight > 0 || desired > 0 || ready > 0 || coldStarts > 0;
    if (!track && !busy) return null;
    track ??= this.#track(app, null);
    if (!track) return null;
    track.seen = tick;
    track.inflight = inflight;
    if (busy) this.#awake.add(app);
    else this.#awake.delete(app);
    if (!busy && track.quiet) return null;

    let p50Ms: number | null = null;
    let p99Ms: number | null = null;
    let finished = 0;
    let errors = 0;
    if (m !== null && requests !== 0) {
      this.#bounds = m.duration.bucketsSec;
      const buckets = bucketDeltas(m.duration.cumulative, m.duration.count, track.prevCumulative, track.prevCount);
      for (const n of buckets) finished += n;
      const allErrors = serverErrors(m.requests);
      errors = Math.max(0, allErrors - (m.duration.count < track.prevCount ? 0 : track.prevErrors));
      p50Ms = quantileMs(0.5, this.#bounds, buckets);
      p99Ms = quantileMs(0.99, this.#bounds, buckets);
      track.prevCount = m.duration.count;
      track.prevCumulative = m.duration.cumulative;
      track.prevErrors = allErrors;
      track.lastFinishedAt = (second + 1) * 1000;
      track.window.push({ second, requests: finished, buckets });
      this.#windowed.add(app);
    }
    const oldest = second - this.#d.config.trafficWindowSec + 1;
    while (track.window.length > 0 && track.window[0]!.second < oldest) track.window.shift();
    track.quiet = !busy;
    if (busy) track.lastAwakeAt = second * 1000;
    return { app, time: second * 1000, desired, ready, inflight, requests: finished, errors, p50Ms, p99Ms, coldStarts };
  }

  #forget(app: string): void {
    this.#tracks.delete(app);
    this.#awake.delete(app);
    this.#windowed.delete(app);
  }

  /** The app's state, made from its current reading when `m` is given (the start's baseline). */
  #track(app: string, m: AppRequestMetrics | null): Track | undefined {
    if (this.#tracks.size >= this.#d.config.maxApps) return undefined;
    const track: Track = {
      prevCount: m?.duration.count ?? 0,
      prevCumulative: m?.duration.cumulative ?? null,
      prevErrors: m ? serverErrors(m.requests) : 0,
      inflight: m?.inflight ?? 0,
      lastFinishedAt: null,
      lastAwakeAt: null,
      quiet: true,
      window: [],
      seen: this.#ticks,
    };
    this.#tracks.set(app, track);
    return track;
  }

  #compact(): void {
    try {
      this.#d.history.compact(this.#d.clock.now());
    } catch (err) {
      this.#d.log.warn("compacting the metrics history failed", { err });
    }
  }
}

/** Answers with a 5xx status. */
function serverErrors(byStatus: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const code in byStatus) if (code.length === 3 && code[0] === "5") n += byStatus[code]!;
  return n;
}
