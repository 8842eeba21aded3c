/**
 * The recorder behind the console's charts and the overview: once a second, on the second, it
 * reads the gateway's request metrics and the control plane's replica counts, and writes one
 * MetricSample per app with anything to record, in one store batch. The sample stamped T covers
 * the second [T, T + 1000): the requests that finished in it (errors are 5xx answers), p50/p99
 * estimated from that second's share of the duration histogram (telemetry-percentiles.ts), the
 * cold starts reported in it, and in-flight and replica counts as read at its end.
 *
 * Cost stays flat with idle apps: an app at zero with no traffic, no cold start and nothing
 * changed writes nothing and allocates nothing; one that goes idle writes a single all-zero
 * sample so charts show the drop. Per-app state exists only for apps that were ever active.
 * It also keeps the last `trafficWindowSec` seconds with requests per app (the overview's rps
 * and percentiles), each app's last finished request, and compacts the history once a minute.
 */
import type { Clock, Timer } from "../kit/clock.js";
import type { Logger } from "../kit/log.js";
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
    const snapshot = this.#d.gateway.requestMetrics();
    const samples: MetricSample[] = [];
    const tick = this.#ticks;
    let seen = 0;
    for (const m of snapshot.apps) {
      const sample = this.#sampleOf(m, second, tick);
      if (this.#tracks.get(m.app)?.seen === tick) seen++;
      if (sample) samples.push(sample);
    }
    if (seen < this.#tracks.size) for (const [app, t] of this.#tracks) if (t.seen !== tick) this.#tracks.delete(app);
    if (samples.length > 0) this.#d.history.recordSamples(samples);
    return true;
  }

  #sampleOf(m: AppRequestMetrics, second: number, tick: number): MetricSample | null {
    let track = this.#tracks.get(m.app);
    const requests = m.duration.count - (track?.prevCount ?? 0);
    const scale = this.#d.fleet.replicaScale(m.app);
    const desired = scale?.desired ?? 0;
    const ready = scale?.ready ?? 0;
    const coldStarts = this.#d.events.takeColdStarts(m.app);
    const busy = requests !== 0 || m.inflight > 0 || desired > 0 || ready > 0 || coldStarts > 0;
    if (!track && !busy) return null;
    track ??= this.#track(m.app, null);
    if (!track) return null;
    track.seen = tick;
    track.inflight = m.inflight;
    if (!busy && track.quiet) return null;

    let p50Ms: number | null = null;
    let p99Ms: number | null = null;
    let finished = 0;
    let errors = 0;
    if (requests !== 0) {
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
    }
    const oldest = second - this.#d.config.trafficWindowSec + 1;
    while (track.window.length > 0 && track.window[0]!.second < oldest) track.window.shift();
    track.quiet = !busy;
    if (busy) track.lastAwakeAt = second * 1000;
    return { app: m.app, time: second * 1000, desired, ready, inflight: m.inflight, requests: finished, errors, p50Ms, p99Ms, coldStarts };
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
