/**
 * The replay: requests in arrival order through ebb's real Autoscaler (its ScalingPolicy and KPA
 * decider, imported, not copied), on a ManualClock, against a model of replicas (app-model.ts).
 * The autoscaler reads traffic through a StatsSource that counts as the gateway does and scales
 * through a ScaleTarget that starts and drains model replicas; a request that finds no ready
 * replica pokes it at once, as the gateway's wake does.
 *
 * Time moves from one event to the next: a replica ready, a request done, a wait timing out, an
 * arrival, or a tick. The loop's `tick()` runs at every `tickMs` (1 s) of virtual time from the
 * start, every one of them, as `start()` would run it on a real clock; the replay calls it itself
 * so that the order within one instant is fixed: replicas ready and requests done first, then
 * arrivals, then the tick. So an app with min 0 reaches zero on the first tick at or after its
 * last request's end + scaledownAfter, and a request arriving at that very instant still finds
 * the replica.
 *
 * Everything random is seeded (random.ts); the same source, options and seed give the same report.
 */
import { Autoscaler, type AutoscalerConfig, type ScaleDecision } from "../autoscaler/index.js";
import { ManualClock } from "../kit/clock.js";
import { EbbError } from "../kit/errors.js";
import type { Closable } from "../kit/lifecycle.js";
import { specDefaults, type ScalingSpec } from "../spec/index.js";
import { AppModel, type AppHost, type EventKind, type Replica } from "./app-model.js";
import { simDefaults } from "./types.js";
import { type Distribution, parseDistribution, sample } from "./random.js";
import { MinHeap } from "./heap.js";
import { LatencyHistogram } from "./histogram.js";
import { Rng, rngStreams } from "./random.js";
import { buildReport, type SimReport } from "./report.js";
import type { ReplayRequest, ReplaySource } from "./types.js";

export interface ReplayOptions {
  /** The scaling block every app of the trace runs with (a normalized spec's). */
  scaling: ScalingSpec;
  /** Seconds a request may take, waiting included; default 300 (the spec's). */
  requestTimeoutSec?: number;
  /** Time a replica takes to become ready; default a fixed 1 s. */
  coldStart?: Distribution;
  /** Service time of every request, replacing the trace's own; default: the trace's. */
  serviceTime?: Distribution;
  /** Service time of requests whose trace gives none; default a fixed 1 s. */
  defaultServiceTime?: Distribution;
  /** Seed of the cold-start and service-time draws; default 1. */
  seed?: number;
  /** Requests that may wait per app; default 1000 (the gateway's). */
  wakeQueueLimit?: number;
  /** Autoscaler settings (tickMs, stableWindowSec, ...); missing keys take its defaults. */
  autoscaler?: Partial<AutoscalerConfig>;
  /** Requests in flight across apps at once before the replay gives up; default 2,000,000. */
  maxInflightRequests?: number;
}

interface SimEvent {
  atMs: number;
  seq: number;
  kind: EventKind;
  app: AppModel;
  replica: Replica | null;
}

type SourceInfo = Omit<ReplaySource, "requests">;

export class Simulation implements Closable {
  readonly #opts: ReplayOptions;
  readonly #info: SourceInfo;
  readonly #apps = new Map<string, AppModel>();
  readonly #events = new MinHeap<SimEvent>((a, b) => a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq));
  readonly #host: AppHost;
  readonly #coldRng: Rng;
  readonly #defaultService: Distribution;
  readonly #serviceRng: Rng;
  readonly #actions = { up: 0, down: 0 };
  readonly #pendingWakes: AppModel[] = [];
  #clock: ManualClock | null = null;
  #autoscaler: Autoscaler | null = null;
  #tickMs = 1000;
  #nextTickMs = 0;
  #startMs = 0;
  #lastArrivalMs: number | null = null;
  #seq = 0;
  #inTick = false;
  #report: SimReport | null = null;
  #destroyed: Error | null = null;

  constructor(opts: ReplayOptions, info: SourceInfo) {
    this.#opts = opts;
    this.#info = info;
    const seed = opts.seed ?? simDefaults.seed;
    this.#coldRng = new Rng(seed, rngStreams.coldStart);
    this.#serviceRng = new Rng(seed, rngStreams.serviceTime);
    this.#defaultService = opts.defaultServiceTime ?? parseDistribution(simDefaults.serviceTime, "serviceTime");
    const cold = opts.coldStart ?? parseDistribution(simDefaults.coldStart, "coldStart");
    this.#host = {
      schedule: (atMs, kind, app, replica) => this.#events.push({ atMs, seq: this.#seq++, kind, app, replica }),
      coldStartMs: () => sample(cold, this.#coldRng),
      wake: (app) => this.#wake(app),
      latency: new LatencyHistogram(),
      fleet: { live: 0, peak: 0, requests: 0 },
    };
    if (info.startMs !== undefined) this.#begin(info.startMs);
  }

  /** Feeds the next request; arrivals must not go back in time. */
  offer(req: ReplayRequest): void {
    if (this.#destroyed) throw this.#destroyed;
    if (this.#report) throw new EbbError("SIM_OPTIONS_INVALID", "the replay has ended; no more requests can be offered");
    if (!this.#clock) this.#begin(Math.floor(req.timeMs / 1000) * 1000);
    if (req.timeMs < (this.#lastArrivalMs ?? this.#startMs)) {
      const why = this.#lastArrivalMs === null ? `before the trace's start (${this.#startMs} ms)` : `before the previous arrival (${this.#lastArrivalMs} ms)`;
      throw new EbbError("SIM_TRACE_INVALID", `${this.#info.name}: request for ${req.app} at ${req.timeMs} ms is ${why}; requests must be in time order`);
    }
    this.#lastArrivalMs = req.timeMs;
    this.#advance(req.timeMs, false);
    const app = this.#app(req.app);
    const max = this.#opts.maxInflightRequests ?? simDefaults.maxInflightRequests;
    if (this.#host.fleet.requests >= max) {
      throw new EbbError("SIM_OPTIONS_INVALID", `more than ${max} requests in flight at once; set a concurrencyLimit or shorter service times`);
    }
    const service = this.#opts.serviceTime;
    const serviceMs = service ? sample(service, this.#serviceRng) : (req.serviceMs ?? sample(this.#defaultService, this.#serviceRng));
    app.arrive(req.timeMs, Math.max(0, serviceMs));
  }

  /** Runs to the end of the traced period and until every request is answered; idempotent. */
  end(): SimReport {
    if (this.#destroyed) throw this.#destroyed;
    if (this.#report) return this.#report;
    if (!this.#clock) this.#begin(this.#info.startMs ?? this.#info.endMs ?? 0);
    const horizon = Math.max(this.#info.endMs ?? this.#lastArrivalMs ?? this.#startMs, this.#lastArrivalMs ?? this.#startMs);
    const stopAt = horizon + simDefaults.maxOverrunMs;
    // Past the horizon only answering requests matters: leftover events (a wait timer of a
    // queue that has emptied, a replica still starting) would only stretch the span.
    while (this.#host.fleet.requests > 0 || this.#nextTickMs <= horizon) {
      const ev = this.#events.peek();
      const next = ev ? Math.min(ev.atMs, this.#nextTickMs) : this.#nextTickMs;
      if (next > stopAt) break;
      this.#advance(next, true);
    }
    const endMs = Math.max(horizon, this.#clock!.now());
    for (const app of this.#apps.values()) app.account(endMs);
    this.#autoscaler!.destroy();
    const host = this.#host;
    this.#report = buildReport(this.#info.name, endMs - this.#startMs, this.#apps.values(), host.latency, host.fleet.peak, this.#actions);
    return this.#report;
  }

  close(): Promise<void> {
    try {
      this.end();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  destroy(err?: Error): void {
    this.#destroyed ??= err ?? new EbbError("SIM_OPTIONS_INVALID", "the replay was stopped");
    this.#autoscaler?.destroy(err);
  }

  #begin(startMs: number): void {
    this.#startMs = startMs;
    this.#clock = new ManualClock(startMs);
    this.#autoscaler = new Autoscaler({
      clock: this.#clock,
      stats: { collect: (app, nowMs) => this.#apps.get(app)?.collect(nowMs) ?? idleSample() },
      target: {
        readyReplicas: (app) => this.#apps.get(app)?.readyCount ?? 0,
        setDesired: (d) => this.#setDesired(d),
      },
      config: this.#opts.autoscaler,
    });
    this.#tickMs = this.#autoscaler.config.tickMs;
    this.#nextTickMs = startMs + this.#tickMs;
    for (const app of this.#info.apps ?? []) this.#app(app);
  }

  #app(name: string): AppModel {
    let app = this.#apps.get(name);
    if (app) return app;
    const o = this.#opts;
    const limits = {
      concurrencyLimit: o.scaling.concurrencyLimit ?? Infinity,
      timeoutMs: (o.requestTimeoutSec ?? specDefaults.requestTimeoutSec) * 1000,
      wakeQueueLimit: o.wakeQueueLimit ?? simDefaults.wakeQueueLimit,
    };
    this.#autoscaler!.upsert(name, o.scaling);
    app = new AppModel(name, this.#clock!.now(), limits, this.#host, o.scaling.replicas[0]);
    this.#apps.set(name, app);
    return app;
  }

  /** Runs every event at or before t and every tick before t (or at t too, with `ticksAtT`). */
  #advance(t: number, ticksAtT: boolean): void {
    const clock = this.#clock!;
    for (;;) {
      const ev = this.#events.peek();
      if (ev && ev.atMs <= t && ev.atMs <= this.#nextTickMs) {
        this.#events.pop();
        clock.advanceTo(ev.atMs);
        ev.app.handle(ev.atMs, ev.kind, ev.replica);
        continue;
      }
      if (this.#nextTickMs < t || (ticksAtT && this.#nextTickMs <= t)) {
        clock.advanceTo(this.#nextTickMs);
        this.#inTick = true;
        this.#autoscaler!.tick();
        this.#inTick = false;
        this.#nextTickMs += this.#tickMs;
        this.#flushWakes();
        continue;
      }
      break;
    }
    clock.advanceTo(t);
  }

  #setDesired(d: ScaleDecision): void {
    if (d.desired > d.previous) this.#actions.up++;
    else if (d.desired < d.previous) this.#actions.down++;
    this.#apps.get(d.app)?.scaleTo(this.#clock!.now(), d.desired);
  }

  /** A poke from inside a tick's decision would re-enter the loop: it waits for the tick's end. */
  #wake(app: AppModel): void {
    if (this.#inTick) this.#pendingWakes.push(app);
    else this.#autoscaler!.poke(app.name);
  }

  #flushWakes(): void {
    for (let app = this.#pendingWakes.shift(); app; app = this.#pendingWakes.shift()) this.#autoscaler!.poke(app.name);
  }
}

function idleSample() {
  return { avgConcurrency: 0, arrivals: 0, intervalMs: 0, inflight: 0, queued: 0, lastActiveAt: null };
}

/** Replays a whole source and returns the report. */
export function replay(source: ReplaySource, opts: ReplayOptions): SimReport {
  const { requests, ...info } = source;
  const sim = new Simulation(opts, info);
  try {
    for (const req of requests) sim.offer(req);
    return sim.end();
  } catch (err) {
    sim.destroy(err as Error);
    throw err;
  }
}
