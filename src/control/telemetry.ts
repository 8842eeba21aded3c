/**
 * Telemetry: what ebb tells about its apps' traffic, as the Prometheus exposition (/metrics),
 * the per-second metrics history (the console's charts) and the overview (`ebb top`, the
 * console's apps list, once a second). It reads the gateway's request metrics and the control
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
import type { AppTraffic, Overview } from "./types.js";
import { EventFigures } from "./telemetry-events.js";
import { renderMetrics } from "./telemetry-metrics.js";
import { resolveTelemetryConfig, type FleetPort, type ProcessPort, type RequestMetricsPort, type TelemetryConfig } from "./telemetry-ports.js";
import { SampleRecorder } from "./telemetry-recorder.js";

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
  subscribeOverview(fn: (overview: Overview) => void): () => void;
  /** ms epoch by which the app's last request had finished, or null. */
  lastRequestAt(app: string): number | null;
}

export class Telemetry implements TelemetryView, Closable {
  readonly #d: TelemetryDeps;
  readonly #config: Readonly<TelemetryConfig>;
  readonly #events: EventFigures;
  readonly #recorder: SampleRecorder;
  readonly #subscribers = new Set<(o: Overview) => void>();
  #unsubscribe: (() => void) | null = null;
  #closed = false;

  constructor(deps: TelemetryDeps, options: Partial<TelemetryConfig> = {}) {
    this.#d = deps;
    this.#config = resolveTelemetryConfig(options);
    this.#events = new EventFigures(this.#config.coldStartBucketsSec, this.#config.maxApps);
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

  /** Calls fn after every recorded second with a fresh overview; returns the unsubscribe function. */
  subscribeOverview(fn: (overview: Overview) => void): () => void {
    if (this.#subscribers.size >= this.#config.maxSubscribers) {
      throw new EbbError("API_TOO_MANY_STREAMS", `too many overview subscribers (${this.#config.maxSubscribers}); close one and retry`);
    }
    this.#subscribers.add(fn);
    return () => void this.#subscribers.delete(fn);
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
  }

  /** One overview for every subscriber; built only when someone listens. */
  #publish(): void {
    if (this.#subscribers.size === 0) return;
    const overview = this.overview();
    for (const fn of [...this.#subscribers]) {
      try {
        fn(overview);
      } catch (err) {
        this.#subscribers.delete(fn);
        this.#d.log.warn("overview subscriber failed; dropped", { err });
      }
    }
  }
}
