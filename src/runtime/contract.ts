/**
 * The runtime contract: one node:test suite that every Runtime passes (local processes, the fake,
 * later Kubernetes). It talks to the implementation only through the Runtime interface and a
 * small subject each implementation supplies: specs of a serving app and of a crashing one, a
 * way to crash a ready replica, and `step()`, which moves the implementation along while the
 * suite waits (the fake advances its manual clock and plays its replicas' part; the local
 * runtime lets real time pass). Every wait has a deadline, so a broken runtime fails, not hangs.
 */
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AppSpec } from "../spec/types.js";
import type { RestartPolicy } from "./policy.js";
import type { ReplicaInfo, Runtime, RuntimeEvent, RuntimeHooks } from "./types.js";
import { contractCases } from "./contract-cases.js";

export interface ContractSubject {
  runtime: Runtime;
  /** A spec whose replicas serve HTTP on $PORT and print a stdout line containing "serving". */
  servingSpec(name: string): AppSpec;
  /** A spec whose replicas print "boom" on stderr and exit with `code` right after starting. */
  crashingSpec(name: string, code: number): AppSpec;
  /** Makes a ready replica print "crashing with code <code>" on stderr and exit with `code`. */
  crash(replica: ReplicaInfo, code: number): Promise<void> | void;
  /** Called between checks while the suite waits: lets the implementation make progress. */
  step(): void;
  /** The restart policy the runtime was built with (keep it fast: a base of tens of ms). */
  policy: RestartPolicy;
  /** Frees what the subject made besides the runtime (the suite closes the runtime). */
  cleanup(): Promise<void>;
}

/** A valid, normalized AppSpec for runtime tests: `[0, 1]` replicas, TCP readiness, small requests. */
export function testAppSpec(name: string, overrides: Partial<AppSpec> = {}): AppSpec {
  return {
    name,
    command: ["serve"],
    workdir: "/",
    env: {},
    scaling: { replicas: [0, 1], scaledownAfter: 300, metric: { concurrency: 100 } },
    timeouts: { request: 30, startup: 30 },
    readiness: { path: null },
    requiresAuth: false,
    resources: { cpu: 0.25, memory: "256Mi" },
    domains: [],
    ...overrides,
  };
}

export type MakeSubject = (hooks: RuntimeHooks) => Promise<ContractSubject> | ContractSubject;

/** What a contract case works with: the subject, the events seen, and drain control. */
export interface ContractContext {
  subject: ContractSubject;
  runtime: Runtime;
  events: RuntimeEvent[];
  /** Replica ids that replicas() still listed when their replica-exited event arrived. */
  listedAtExit: string[];
  /** Replica ids passed to hooks.drain, in call order. */
  drained: string[];
  /** Makes hooks.drain calls wait until the returned function is called. */
  holdDrains(): () => void;
  /** Steps the subject until `pred` holds; fails after `timeoutMs` (real time) naming `what`. */
  waitFor<T>(what: string, pred: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Steps the subject `n` times with a short real pause between steps. */
  settle(n?: number): Promise<void>;
  /** Events of one type, optionally of one app. */
  ofType<K extends RuntimeEvent["type"]>(type: K, app?: string): Extract<RuntimeEvent, { type: K }>[];
}

/**
 * Registers the contract suite for one implementation. `make` builds a fresh subject for each
 * case around the hooks the suite records with; the suite destroys and closes the runtime after
 * each case, then calls `cleanup`.
 */
export function runtimeContract(name: string, make: MakeSubject): void {
  describe(`runtime contract: ${name}`, () => {
    let ctx: ContractContext;

    beforeEach(async () => {
      const events: RuntimeEvent[] = [];
      const listedAtExit: string[] = [];
      const drained: string[] = [];
      let gate: Promise<void> | null = null;
      let runtime: Runtime | null = null;
      const hooks: RuntimeHooks = {
        onEvent: (e) => {
          events.push(e);
          // Listeners read the runtime while handling a report: it must already show the change.
          if (e.type === "replica-exited" && runtime?.replicas(e.replica.app).some((r) => r.id === e.replica.id)) listedAtExit.push(e.replica.id);
        },
        drain: async (replica) => {
          drained.push(replica.id);
          if (gate) await gate;
        },
      };
      const subject = await make(hooks);
      runtime = subject.runtime;
      const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
      ctx = {
        subject,
        runtime: subject.runtime,
        events,
        listedAtExit,
        drained,
        holdDrains() {
          let release = (): void => {};
          gate = new Promise<void>((r) => (release = r));
          return () => {
            gate = null;
            release();
          };
        },
        async waitFor(what, pred, timeoutMs = 8_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const got = pred();
            if (got !== undefined && got !== false) return got as never;
            if (Date.now() > deadline) {
              const seen = events.map((e) => `${e.type}${"replica" in e ? " " + e.replica.id : ""}`).join(", ");
              assert.fail(`timed out waiting for ${what}; events: ${seen}`);
            }
            subject.step();
            await pause();
          }
        },
        async settle(n = 20) {
          for (let i = 0; i < n; i++) {
            subject.step();
            await pause();
          }
        },
        ofType: (type, app) =>
          events.filter((e) => e.type === type && (app === undefined || ("app" in e ? e.app : e.replica.app) === app)) as never,
      };
    });

    afterEach(async () => {
      ctx.runtime.destroy();
      await ctx.runtime.close();
      await ctx.subject.cleanup();
    });

    for (const [title, body] of Object.entries(contractCases)) test(title, () => body(ctx));
  });
}
