/**
 * One app in the replay: its replicas, its wait queue and its traffic counters, behaving as the
 * gateway and the runtime do for a real app (DESIGN §2, §4):
 *
 * - a request goes to the ready replica with the fewest requests in flight that is under the
 *   spec's `concurrencyLimit` (ties to the oldest replica; the gateway breaks them round robin);
 * - with none, it waits in a FIFO queue bounded by `wakeQueueLimit` (past it: refused, as the
 *   gateway's 503); if no replica is ready it is a cold-start wait, and the first one of a wait
 *   episode wakes the autoscaler at once (the gateway's onWake -> poke);
 * - a request may take `timeoutMs` in all, waiting included: one still waiting then, or whose
 *   wait plus service would pass it, is answered then and counts as a timeout;
 * - scaling to a count starts replicas (ready after a drawn cold start) or removes them,
 *   starting ones first, then the newest ready ones (the runtime's order); a removed ready
 *   replica drains: it takes no new request and stops, and stops costing, once its last one ends.
 *
 * Cost is integrated on every change: replica-ms while starting, while ready with nothing in
 * flight (idle), and while serving or draining (busy).
 */
import type { TrafficSample } from "../autoscaler/index.js";
import type { LatencyHistogram } from "./histogram.js";
import { TrafficCounter } from "../spec/traffic.js";

/** What a scheduled event is: a replica ready, a request done (or cut at its timeout), a wait expiring. */
export const EventKind = Object.freeze({ Ready: 0, Done: 1, Cut: 2, WaitTimeout: 3 } as const);
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export interface Replica {
  state: "starting" | "ready" | "draining" | "stopped";
  inflight: number;
}

/** What an app needs from the replay around it. */
export interface AppHost {
  schedule(atMs: number, kind: EventKind, app: AppModel, replica: Replica | null): void;
  /** Draws a cold start, in ms. */
  coldStartMs(): number;
  /** A request waits with no ready replica: decide now (the autoscaler's poke). */
  wake(app: AppModel): void;
  latency: LatencyHistogram;
  /** Replicas alive across every app and the most seen at once; requests in flight across apps. */
  fleet: { live: number; peak: number; requests: number };
}

export interface AppLimits {
  /** In-flight requests per replica at most (the spec's concurrencyLimit); Infinity for none. */
  concurrencyLimit: number;
  /** A request's whole budget, waiting included, in ms (the spec's timeouts.request). */
  timeoutMs: number;
  /** Requests that may wait at once; more are refused. */
  wakeQueueLimit: number;
}

interface Waiting {
  arrivalMs: number;
  serviceMs: number;
}

export class AppModel {
  readonly name: string;
  readonly traffic: TrafficCounter;
  readonly replicas: Replica[] = [];
  readonly #limits: AppLimits;
  readonly #host: AppHost;
  readonly #queue: Waiting[] = [];
  #head = 0;
  #waking = false;
  #timeoutPending = false;
  #starting = 0;
  #ready = 0;
  #idle = 0;
  #busy = 0;
  #lastAccountMs: number;
  requests = 0;
  coldStartWaits = 0;
  timeouts = 0;
  rejected = 0;
  replicaStarts = 0;
  peakReplicas = 0;
  startingMs = 0;
  idleMs = 0;
  busyMs = 0;

  /** `readyAtStart` replicas are up and ready from nowMs (an app running before the trace). */
  constructor(name: string, nowMs: number, limits: AppLimits, host: AppHost, readyAtStart: number) {
    this.name = name;
    this.#limits = limits;
    this.#host = host;
    this.traffic = new TrafficCounter(nowMs);
    this.#lastAccountMs = nowMs;
    for (let i = 0; i < readyAtStart; i++) this.#add("ready");
  }

  get readyCount(): number {
    return this.#ready;
  }

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Replicas starting or ready, not draining: what a scale decision counts. */
  get activeCount(): number {
    return this.#starting + this.#ready;
  }

  collect(nowMs: number): TrafficSample {
    return this.traffic.collect(nowMs, this.queued);
  }

  arrive(nowMs: number, serviceMs: number): void {
    this.account(nowMs);
    this.requests++;
    this.#host.fleet.requests++;
    this.traffic.arrive(nowMs);
    if (this.queued === 0) {
      const r = this.#pick();
      if (r) return this.#dispatch(nowMs, r, nowMs, serviceMs);
    }
    if (this.queued >= this.#limits.wakeQueueLimit) {
      this.rejected++;
      this.#depart(nowMs);
      return;
    }
    this.#queue.push({ arrivalMs: nowMs, serviceMs });
    if (!this.#timeoutPending) this.#scheduleTimeout();
    if (this.#ready === 0) {
      this.coldStartWaits++;
      this.#wake();
    }
  }

  /** Level-triggered: make `desired` replicas start or be ready. */
  scaleTo(nowMs: number, desired: number): void {
    this.account(nowMs);
    for (let n = this.activeCount; n < desired; n++) {
      const r = this.#add("starting");
      this.replicaStarts++;
      this.#host.schedule(nowMs + this.#host.coldStartMs(), EventKind.Ready, this, r);
    }
    for (let i = this.replicas.length - 1; i >= 0 && this.activeCount > desired; i--) {
      const r = this.replicas[i]!;
      if (r.state === "starting") this.#stop(r);
    }
    for (let i = this.replicas.length - 1; i >= 0 && this.activeCount > desired; i--) {
      const r = this.replicas[i]!;
      if (r.state !== "ready") continue;
      this.#ready--;
      if (r.inflight === 0) {
        this.#idle--;
        this.#stop(r);
      } else r.state = "draining";
    }
    this.#compact();
    if (this.#ready === 0 && this.queued > 0) this.#wake();
  }

  handle(nowMs: number, kind: EventKind, r: Replica | null): void {
    this.account(nowMs);
    if (kind === EventKind.Ready) {
      if (r!.state !== "starting") return;
      r!.state = "ready";
      this.#starting--;
      this.#ready++;
      this.#idle++;
      this.#waking = false;
      this.#pump(nowMs);
    } else if (kind === EventKind.WaitTimeout) {
      this.#expireWaits(nowMs);
    } else {
      this.#finish(nowMs, r!, kind === EventKind.Cut);
    }
  }

  /** Adds the cost since the last change, up to nowMs. */
  account(nowMs: number): void {
    const dt = nowMs - this.#lastAccountMs;
    if (dt <= 0) return;
    this.startingMs += this.#starting * dt;
    this.idleMs += this.#idle * dt;
    this.busyMs += this.#busy * dt;
    this.#lastAccountMs = nowMs;
  }

  #finish(nowMs: number, r: Replica, cut: boolean): void {
    r.inflight--;
    this.#depart(nowMs);
    if (cut) this.timeouts++;
    if (r.inflight === 0) {
      this.#busy--;
      if (r.state === "draining") {
        this.#stop(r);
        this.#compact();
      } else if (r.state === "ready") this.#idle++;
    }
    if (this.queued > 0) this.#pump(nowMs);
  }

  #depart(nowMs: number): void {
    this.traffic.depart(nowMs);
    this.#host.fleet.requests--;
  }

  #dispatch(nowMs: number, r: Replica, arrivalMs: number, serviceMs: number): void {
    if (r.inflight === 0) {
      this.#idle--;
      this.#busy++;
    }
    r.inflight++;
    const limit = arrivalMs + this.#limits.timeoutMs;
    const end = nowMs + serviceMs;
    this.#host.latency.record(Math.min(end, limit) - arrivalMs);
    this.#host.schedule(Math.min(end, limit), end > limit ? EventKind.Cut : EventKind.Done, this, r);
  }

  #pick(): Replica | null {
    let best: Replica | null = null;
    for (const r of this.replicas) {
      if (r.state === "ready" && r.inflight < this.#limits.concurrencyLimit && (best === null || r.inflight < best.inflight)) best = r;
    }
    return best;
  }

  #pump(nowMs: number): void {
    while (this.queued > 0) {
      const r = this.#pick();
      if (r === null) return;
      const w = this.#queue[this.#head++]!;
      this.#dispatch(nowMs, r, w.arrivalMs, w.serviceMs);
      this.#trimQueue();
    }
    this.#resetQueue();
  }

  #expireWaits(nowMs: number): void {
    this.#timeoutPending = false;
    while (this.queued > 0 && this.#queue[this.#head]!.arrivalMs + this.#limits.timeoutMs <= nowMs) {
      this.#head++;
      this.timeouts++;
      this.#depart(nowMs);
      this.#host.latency.record(this.#limits.timeoutMs);
      this.#trimQueue();
    }
    if (this.queued === 0) this.#resetQueue();
    else this.#scheduleTimeout();
  }

  #scheduleTimeout(): void {
    this.#timeoutPending = true;
    this.#host.schedule(this.#queue[this.#head]!.arrivalMs + this.#limits.timeoutMs, EventKind.WaitTimeout, this, null);
  }

  /** An empty queue ends the wait episode; the array is reused from the start. */
  #resetQueue(): void {
    this.#queue.length = 0;
    this.#head = 0;
    this.#waking = false;
  }

  /** Drops the consumed front of a queue that never empties, so the array stays within its bound. */
  #trimQueue(): void {
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #wake(): void {
    if (this.#waking) return;
    this.#waking = true;
    this.#host.wake(this);
  }

  #add(state: "starting" | "ready"): Replica {
    const r: Replica = { state, inflight: 0 };
    this.replicas.push(r);
    if (state === "starting") this.#starting++;
    else {
      this.#ready++;
      this.#idle++;
    }
    const fleet = this.#host.fleet;
    fleet.live++;
    if (fleet.live > fleet.peak) fleet.peak = fleet.live;
    if (this.replicas.length > this.peakReplicas) this.peakReplicas = this.replicas.length;
    return r;
  }

  #stop(r: Replica): void {
    if (r.state === "starting") this.#starting--;
    r.state = "stopped";
    this.#host.fleet.live--;
  }

  #compact(): void {
    let j = 0;
    for (const r of this.replicas) if (r.state !== "stopped") this.replicas[j++] = r;
    this.replicas.length = j;
  }
}
