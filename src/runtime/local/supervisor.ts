/**
 * Keeps one revision of one app at its desired replica count, level-triggered: each `scale`
 * (and each exit, restart or freed capacity) compares the live slots with the count and starts
 * or stops the difference. Scale-down victims come from policy.ts (no process first, then
 * starting, then the newest ready). A slot that fails is restarted after an exponential back-off
 * and, after `crashLoopThreshold` failures in a row, reported as a crash loop with its cause;
 * retries go on while the count is above zero. A replica that does not fit the capacity waits,
 * reported once per shortage as `insufficient-capacity`.
 */
import type { Clock } from "../../kit/clock.js";
import type { Logger } from "../../kit/log.js";
import type { AppSpec } from "../../spec/types.js";
import type { LogTails } from "../log-tail.js";
import { backoffDelayMs, crashLoopCode, pickVictims } from "../policy.js";
import type { ExitReason, ReplicaInfo, RuntimeEvent, RuntimeHooks } from "../types.js";
import { requestOf, type CapacityPool, type Request } from "./capacity.js";
import type { LocalRuntimeConfig } from "./config.js";
import type { MemoryWatch } from "./memory-watch.js";
import type { PortAllocator } from "./ports.js";
import type { ProcessRegistry } from "./process-registry.js";
import { ReplicaSlot, type SlotOwner } from "./slot.js";

/** What the runtime shares with every slot: config, clock, hooks and the pooled resources. */
export interface SlotEnv {
  config: Readonly<LocalRuntimeConfig>;
  clock: Clock;
  log: Logger;
  hooks: RuntimeHooks;
  tails: LogTails;
  registry: ProcessRegistry;
  capacity: CapacityPool;
  ports: PortAllocator;
  memory: MemoryWatch;
  /** Delivers an event to hooks.onEvent (a throwing consumer does not break the runtime). */
  emit(event: RuntimeEvent): void;
  logPath(app: string, replica: string): string;
  /** A slot opened its log file (`opened`), or closed it with every line written (`!opened`). */
  logFile(app: string, opened: boolean): void;
  /** A reservation was released: replicas waiting for room may start. */
  capacityFreed(): void;
}

/** What the runtime shares with its supervisors: the slots' environment and a few callbacks. */
export interface SupervisorEnv extends SlotEnv {
  /** Runtime-wide slot number, for unique replica ids. */
  nextSeq(): number;
  /** This supervisor has replicas waiting for capacity (or no longer has, with `false`). */
  waitingForCapacity(sup: RevisionSupervisor, waiting: boolean): void;
  /** The supervisor has no slots and a count of zero: the runtime may forget it. */
  idle(sup: RevisionSupervisor): void;
}

export class RevisionSupervisor implements SlotOwner {
  readonly app: string;
  readonly revision: number;
  spec: AppSpec;
  desired = 0;
  #env: SupervisorEnv;
  /** Bounded by the desired count plus replicas still draining or stopping. */
  #slots = new Set<ReplicaSlot>();
  /** An insufficient-capacity report stands for the current shortage. */
  #short = false;

  constructor(env: SupervisorEnv, spec: AppSpec, revision: number) {
    this.#env = env;
    this.app = spec.name;
    this.revision = revision;
    this.spec = spec;
  }

  scale(spec: AppSpec, count: number): void {
    this.spec = spec;
    this.desired = Math.max(0, Math.floor(Number.isFinite(count) ? count : 0));
    this.reconcile();
  }

  reconcile(): void {
    const active = this.#active();
    if (active.length > this.desired) {
      const candidates = active.map((slot) => ({
        slot,
        seq: slot.seq,
        readyAt: slot.readyAt,
        state: slot.state === "waiting" ? ("waiting" as const) : slot.state === "starting" ? ("starting" as const) : ("ready" as const),
      }));
      for (const v of pickVictims(candidates, active.length - this.desired)) void v.slot.stop();
    }
    this.fill();
    this.#checkIdle();
  }

  /** Starts due slots and new ones up to the desired count while capacity allows. */
  fill(): void {
    for (const slot of this.#active()) {
      if (slot.state === "waiting" && !slot.backingOff && !slot.start()) return this.#shortage();
    }
    while (this.#active().length < this.desired) {
      if (!this.#env.capacity.fits(this.#request())) return this.#shortage();
      const slot = new ReplicaSlot(this.#env, this, this.spec, this.revision, this.#env.nextSeq());
      this.#slots.add(slot);
      slot.start();
    }
    if (this.#short) this.#env.log.info("capacity found for waiting replicas", { app: this.app, revision: this.revision });
    this.#short = false;
    this.#env.waitingForCapacity(this, false);
  }

  slotExited(slot: ReplicaSlot, reason: ExitReason, message: string): void {
    if (slot.victim || reason === "stopped") {
      slot.victim = true;
      this.#slots.delete(slot);
      return this.#checkIdle();
    }
    slot.failures++;
    const { config } = this.#env;
    const delay = backoffDelayMs(slot.failures, config);
    if (slot.failures >= config.crashLoopThreshold) {
      const cause = { code: crashLoopCode(reason), message: `${slot.failures} failures in a row; last: ${message}` };
      this.#env.emit({ type: "crash-loop", at: this.#env.clock.now(), app: this.app, revision: this.revision, cause, restartInMs: delay });
      this.#env.log.warn("replicas keep failing", { app: this.app, revision: this.revision, code: cause.code, restartInMs: delay });
    }
    slot.system(`restarting in ${delay} ms`);
    slot.restartAfter(delay, () => {
      slot.restarts++;
      this.fill();
    });
  }

  /** Drains and stops every replica (scale to zero); resolves when all are gone. */
  async stopAll(): Promise<void> {
    this.desired = 0;
    const stopped = Promise.all([...this.#slots].map((s) => s.stop()));
    this.#checkIdle();
    await stopped;
  }

  /** SIGKILLs every replica at once. */
  killAll(): void {
    this.desired = 0;
    for (const s of [...this.#slots]) s.kill();
    this.#checkIdle();
  }

  replicas(): ReplicaInfo[] {
    return [...this.#slots].filter((s) => s.state !== "waiting" && s.state !== "gone").map((s) => s.info());
  }

  get idle(): boolean {
    return this.desired === 0 && this.#slots.size === 0;
  }

  #active(): ReplicaSlot[] {
    return [...this.#slots].filter((s) => !s.victim);
  }

  #request(): Request {
    return requestOf(this.spec);
  }

  #shortage(): void {
    this.#env.waitingForCapacity(this, true);
    if (this.#short) return;
    this.#short = true;
    const message = `no room for another replica of ${this.app} revision ${this.revision}: ${this.#env.capacity.describeShortage(this.#request())}`;
    this.#env.emit({ type: "insufficient-capacity", at: this.#env.clock.now(), app: this.app, revision: this.revision, message });
    this.#env.log.warn("insufficient capacity", { app: this.app, revision: this.revision, message });
  }

  #checkIdle(): void {
    if (this.idle) this.#env.idle(this);
  }
}
