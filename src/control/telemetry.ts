/**
 * Telemetry: what ebb tells about its apps' traffic, as the Prometheus exposition (/metrics),
 * the per-second metrics history (the console's charts) and the overview (`ebb top`, the
 * console's apps list, once a second). Subscribers to the overview get, each second, only what
 * changed (telemetry-overview.ts), so a publication costs the apps that were active, not the
 * apps registered; a whole overview is built on request (`overview()`, `update.full()`). It reads the gateway's request metrics and the control
 * plane's apps and events through narrow ports (telemetry-ports.ts), so it can be tested with a
 * ManualClock, fakes and the memory store; cmd/ wires the real parts.
 *
 * Lifecycle: `start()` subscribes to events and starts the recorder; `close()` stops recording
 * and ends overview subscriptions; `destroy()` does the same at once. Both are idempotent.
 */
import type { Clock } from "../kit/clock.js";
import { EbbError } from "../kit/errors.js";
import type { Closable } from "../kit/lifecycle.js";
import type { Logger } from "../kit/log.js";
import type { MetricsHistory } from "../store/types.js";
import type { AppTraffic, Overview, OverviewDelta, OverviewUpdate } from "./types.js";
import { EventFigures } from "./telemetry-events.js";
import { renderMetrics } from "./telemetry-metrics.js";
import { resolveTelemetryConfig, type FleetPort, type ProcessPort, type RequestMetricsPort, type TelemetryConfig } from "./telemetry-ports.js";
import { SampleRecorder } from "./telemetry-recorder.js";
import { OverviewChanges } from "./telemetry-overview.js";

export interface TelemetryDeps {
  clock: Clock;
  log: Logger;
  history: Pick<MetricsHistory, "recordSamples" | "compact">;
  gateway: RequestMetricsPort;
  fleet: FleetPort;
  /** Process figures for `process_*` and `nodejs_*`; left out of /metrics when absent. */
  process?: ProcessPort;
}

/** What the control plane asks of telemetry (Control.attachTelemetry). */
export interface TelemetryView {
  overview(): Overview;
  subscribeOverview(fn: (update: OverviewUpdate) => void): () => void;
  /** ms epoch by which the app's last request had finished, or null. */
  lastRequestAt(app: string): number | null;
}

export class Telemetry implements TelemetryView, Closable {
  readonly #d: TelemetryDeps;
  readonly #config: Readonly<TelemetryConfig>;
  readonly #events: EventFigures;
  readonly #recorder: SampleRecorder;
  readonly #changes: OverviewChanges;
  readonly #subscribers = new Set<(u: OverviewUpdate) => void>();
  /** Subscribers that joined since the last publication: their first delta is every touched app. */
  readonly #newcomers = new Set<(u: OverviewUpdate) => void>();
  #unsubscribe: (() => void) | null = null;
  #closed = false;

  constructor(deps: TelemetryDeps, options: Partial<TelemetryConfig> = {}) {
    this.#d = deps;
    this.#config = resolveTelemetryConfig(options);
    this.#events = new EventFigures(this.#config.coldStartBucketsSec, this.#config.maxApps);
    this.#changes = new OverviewChanges(this.#config.maxApps);
    this.#recorder = new SampleRecorder({
      clock: deps.clock,
      log: deps.log,
      history: deps.history,
      gateway: deps.gateway,
      fleet: deps.fleet,
      events: this.#events,
      config: this.#config,
      afterTick: () => this.#publish(),
    });
  }

  start(): void {
    if (this.#closed || this.#unsubscribe) return;
    this.#unsubscribe = this.#d.fleet.subscribeEvents((e) => {
      this.#events.observe(e);
      this.#recorder.observe(e);
      this.#changes.observe(e);
    });
    this.#recorder.start();
  }

  /** The Prometheus text exposition (format 0.0.4) for `/metrics`. */
  metricsText(): string {
    const now = this.#d.clock.now();
    const fleet = this.#d.fleet;
    const snapshot = this.#d.gateway.requestMetrics();
    return renderMetrics({
      snapshot,
      appCount: snapshot.apps.length,
      replicaScale: (app) => fleet.replicaScale(app),
      replicaCounts: (app) => fleet.replicaCounts(app),
      recentlyAwake: (app) => {
        const at = this.#recorder.lastAwakeAt(app);
        return at !== null && now - at <= this.#config.idleSeriesGraceMs;
      },
      events: this.#events,
      process: this.#d.process?.read() ?? null,
    });
  }

  overview(): Overview {
    const apps = this.#d.fleet.listSummaries();
    const traffic: Record<string, AppTraffic> = {};
    for (const app of apps) traffic[app.name] = this.#recorder.traffic(app.name);
    return { time: this.#d.clock.now(), apps, traffic };
  }

  /**
   * Calls fn after every recorded second with what changed since the subscriber's previous update,
   * or since the `overview()` it read in the same turn as subscribing; returns the unsubscribe
   * function.
   */
  subscribeOverview(fn: (update: OverviewUpdate) => void): () => void {
    if (this.#subscribers.size >= this.#config.maxSubscribers) {
      throw new EbbError("API_TOO_MANY_STREAMS", `too many overview subscribers (${this.#config.maxSubscribers}); close one and retry`);
    }
    this.#subscribers.add(fn);
    this.#newcomers.add(fn);
    return () => {
      this.#subscribers.delete(fn);
      this.#newcomers.delete(fn);
    };
  }

  lastRequestAt(app: string): number | null {
    return this.#recorder.lastRequestAt(app);
  }

  /** Live overview subscribers. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  async close(): Promise<void> {
    this.destroy();
  }

  destroy(err?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    if (err) this.#d.log.warn("telemetry destroyed", { err });
    this.#recorder.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#subscribers.clear();
    this.#newcomers.clear();
  }

  /**
   * One publication for every subscriber: the changed apps for those that had the previous one,
   * every touched app for newcomers. Without subscribers it only lets go of what was touched.
   */
  #publish(): void {
    const touched = this.#recorder.takeTouched();
    if (this.#subscribers.size === 0) {
      this.#changes.reset();
      return;
    }
    const fleet = this.#d.fleet;
    const reads = { summary: (app: string) => fleet.summary(app), traffic: (app: string) => this.#recorder.traffic(app) };
    const next = this.#changes.next(touched, reads, this.#d.clock.now());
    let whole: Overview | null = null;
    let handedOut = false;
    const full = (): Overview => {
      if (handedOut) throw new Error("OverviewUpdate.full() called after its publication; it would not match the deltas that follow");
      return (whole ??= this.overview());
    };
    const update = (delta: OverviewDelta | null): OverviewUpdate => ({ delta, full });
    const forRegulars = update(next?.changed ?? null);
    const forNewcomers = update(next?.touched ?? null);
    for (const fn of [...this.#subscribers]) {
      try {
        fn(this.#newcomers.has(fn) ? forNewcomers : forRegulars);
      } catch (err) {
        this.#subscribers.delete(fn);
        this.#d.log.warn("overview subscriber failed; dropped", { err });
      }
    }
    this.#newcomers.clear();
    handedOut = true;
  }
}
