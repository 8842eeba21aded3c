/**
 * The contract every Store implementation passes (sqlite.test.ts and memory.test.ts run it):
 * what callers may rely on whichever store they are given. `open` must return a fresh, empty
 * store that honours the limits it is passed; the suite closes each store it opens.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AppSpec, Condition, NewEvent } from "../spec/types.js";
import type { AppRecord } from "./types.js";
import { hasCode, historyContract, withStore, type OpenStore } from "./contract-history.js";

export type { OpenStore } from "./contract-history.js";

const iso = (n: number): string => new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString();

function spec(name: string, entry = "server.js"): AppSpec {
  return {
    name,
    command: ["node", entry],
    workdir: `/srv/${name}`,
    env: { GREETING: "hi" },
    scaling: { replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 10 } },
    timeouts: { request: 300, startup: 300 },
    readiness: { path: null },
    requiresAuth: true,
    resources: { cpu: 0.25, memory: "256Mi" },
    domains: [],
  };
}

function app(name: string, revision = 1, entry?: string): AppRecord {
  const s = spec(name, entry);
  return { name, spec: s, specHash: `hash-${revision}`, revision, desiredState: "ACTIVE", createdAt: iso(0), updatedAt: iso(revision) };
}

const revision = (name: string, n: number) => ({ app: name, revision: n, specHash: `hash-${n}`, spec: spec(name), createdAt: iso(n) });
const condition = (n: number): Condition => ({ time: iso(n), status: "ACTIVE", substate: n % 2 ? "RUNNING" : null, message: `c${n}`, revision: 1 });
const event = (name: string, n: number): NewEvent => ({ app: name, type: "ScaledUp", time: iso(n), revision: 1, message: `e${n}`, data: { n } });
const messages = (items: Array<{ message: string }>): string[] => items.map((i) => i.message);

export function storeContract(name: string, open: OpenStore): void {
  describe(`store contract: ${name}`, () => {
    test("apps: put, get, list by name; an unknown app is undefined", () =>
      withStore(open, undefined, (s) => {
        s.putApp(app("beta"));
        s.putApp(app("alpha"));
        assert.deepEqual(s.getApp("alpha"), app("alpha"));
        assert.deepEqual(s.listApps().map((a) => a.name), ["alpha", "beta"]);
        assert.equal(s.getApp("gamma"), undefined);
      }));

    test("apps: put replaces the record and keeps its revisions and conditions", () =>
      withStore(open, undefined, (s) => {
        s.putApp(app("a"));
        s.addRevision(revision("a", 1));
        s.addCondition("a", condition(1));
        const next = { ...app("a", 2, "v2.js"), desiredState: "STOPPED" as const };
        s.putApp(next);
        assert.deepEqual(s.getApp("a"), next);
        assert.equal(s.listApps().length, 1);
        assert.equal(s.listRevisions("a").length, 1);
        assert.equal(s.listConditions("a").length, 1);
      }));

    test("apps: what goes in and comes out are copies", () =>
      withStore(open, undefined, (s) => {
        const record = app("a");
        s.putApp(record);
        record.spec.env.GREETING = "changed after put";
        s.getApp("a")!.spec.env.GREETING = "changed after get";
        assert.equal(s.getApp("a")!.spec.env.GREETING, "hi");
      }));

    test("deleteApp removes revisions, conditions and events, leaves other apps, ignores unknown names", () =>
      withStore(open, undefined, (s) => {
        for (const n of ["a", "b"]) {
          s.putApp(app(n));
          s.addRevision(revision(n, 1));
          s.addCondition(n, condition(1));
          s.appendEvent(event(n, 1));
        }
        s.deleteApp("a");
        s.deleteApp("never-existed");
        assert.equal(s.getApp("a"), undefined);
        assert.deepEqual(s.listRevisions("a"), []);
        assert.deepEqual(s.listConditions("a"), []);
        assert.deepEqual(s.listEvents({ app: "a" }), []);
        assert.deepEqual(s.listApps().map((a) => a.name), ["b"]);
        assert.equal(s.listRevisions("b").length, 1);
        assert.equal(s.listConditions("b").length, 1);
        assert.equal(s.listEvents({ app: "b" }).length, 1);
      }));

    test("revisions: listed by number whatever the insertion order, fetched one by one", () =>
      withStore(open, undefined, (s) => {
        s.putApp(app("a", 3));
        for (const n of [3, 1, 2]) s.addRevision(revision("a", n));
        assert.deepEqual(s.listRevisions("a").map((r) => r.revision), [1, 2, 3]);
        assert.deepEqual(s.getRevision("a", 2), revision("a", 2));
        assert.equal(s.getRevision("a", 9), undefined);
        assert.deepEqual(s.listRevisions("nope"), []);
      }));

    test("an unknown app fails with APP_NOT_FOUND; a stored revision again with STORE_INVALID_ARGUMENT", () =>
      withStore(open, undefined, (s) => {
        assert.throws(() => s.addRevision(revision("ghost", 1)), hasCode("APP_NOT_FOUND"));
        assert.throws(() => s.addCondition("ghost", condition(1)), hasCode("APP_NOT_FOUND"));
        s.putApp(app("a"));
        s.addRevision(revision("a", 1));
        assert.throws(() => s.addRevision(revision("a", 1)), hasCode("STORE_INVALID_ARGUMENT"));
      }));

    test("conditions: the newest `limit` (default 50), oldest first", () =>
      withStore(open, undefined, (s) => {
        s.putApp(app("a"));
        for (let n = 0; n < 60; n++) s.addCondition("a", condition(n));
        const all = s.listConditions("a");
        assert.equal(all.length, 50);
        assert.deepEqual([all[0]!.message, all[49]!.message], ["c10", "c59"]);
        assert.deepEqual(s.listConditions("a", 3), [condition(57), condition(58), condition(59)]);
        assert.deepEqual(s.listConditions("a", 0), []);
      }));

    test("conditions: the retention bound prunes the oldest of the same app only", () =>
      withStore(open, { conditionRetentionPerApp: 3 }, (s) => {
        s.putApp(app("a"));
        s.putApp(app("b"));
        for (let n = 0; n < 5; n++) s.addCondition("a", condition(n));
        for (let n = 0; n < 2; n++) s.addCondition("b", condition(n));
        assert.deepEqual(messages(s.listConditions("a", 10)), ["c2", "c3", "c4"]);
        assert.deepEqual(messages(s.listConditions("b", 10)), ["c0", "c1"]);
      }));

    test("events: ids increase across apps; the stored event comes back with its id", () =>
      withStore(open, undefined, (s) => {
        const first = s.appendEvent(event("a", 1));
        const second = s.appendEvent(event("b", 2));
        const third = s.appendEvent(event("a", 3));
        assert.deepEqual(first, { ...event("a", 1), id: first.id });
        assert.ok(first.id < second.id && second.id < third.id);
        assert.deepEqual(s.listEvents(), [first, second, third]);
      }));

    test("events: afterId and the app filter, alone and together", () =>
      withStore(open, undefined, (s) => {
        const [e1, e2, e3] = [s.appendEvent(event("a", 1)), s.appendEvent(event("b", 2)), s.appendEvent(event("a", 3))];
        assert.deepEqual(s.listEvents({ afterId: e1.id }), [e2, e3]);
        assert.deepEqual(s.listEvents({ app: "a" }), [e1, e3]);
        assert.deepEqual(s.listEvents({ app: "a", afterId: e1.id }), [e3]);
        assert.deepEqual(s.listEvents({ afterId: e3.id }), []);
      }));

    test("events: `limit` gives the newest N oldest first (default 100); a bad limit is refused", () =>
      withStore(open, undefined, (s) => {
        for (let n = 0; n < 120; n++) s.appendEvent(event("a", n));
        const page = s.listEvents();
        assert.equal(page.length, 100);
        assert.deepEqual([page[0]!.message, page[99]!.message], ["e20", "e119"]);
        assert.deepEqual(messages(s.listEvents({ limit: 3 })), ["e117", "e118", "e119"]);
        assert.deepEqual(s.listEvents({ limit: 0 }), []);
        assert.throws(() => s.listEvents({ limit: -1 }), hasCode("STORE_INVALID_ARGUMENT"));
        assert.throws(() => s.listConditions("a", 2.5), hasCode("STORE_INVALID_ARGUMENT"));
      }));

    test("events: the retention bound prunes the oldest of the same app only", () =>
      withStore(open, { eventRetentionPerApp: 3 }, (s) => {
        for (let n = 0; n < 5; n++) s.appendEvent(event("a", n));
        s.appendEvent(event("b", 5));
        assert.deepEqual(messages(s.listEvents({ app: "a" })), ["e2", "e3", "e4"]);
        assert.deepEqual(messages(s.listEvents()), ["e2", "e3", "e4", "e5"]);
      }));

    test("events: may name an app that does not exist; ids are never reused after a delete", () =>
      withStore(open, undefined, (s) => {
        s.appendEvent(event("a", 1));
        const last = s.appendEvent(event("ghost", 2));
        s.deleteApp("ghost");
        assert.ok(s.appendEvent(event("ghost", 3)).id > last.id);
      }));

    test("events: data and a null revision round-trip as JSON", () =>
      withStore(open, undefined, (s) => {
        const data = { load: 12.5, panic: false, window: [6, 60], rule: null, nested: { a: { b: "c" } } };
        const stored = s.appendEvent({ ...event("a", 1), revision: null, data });
        assert.deepEqual(s.listEvents(), [{ ...event("a", 1), id: stored.id, revision: null, data }]);
      }));

    test("meta: get, set, overwrite", () =>
      withStore(open, undefined, (s) => {
        assert.equal(s.getMeta("token"), undefined);
        s.setMeta("token", "t1");
        s.setMeta("token", "t2");
        assert.equal(s.getMeta("token"), "t2");
      }));

    test("limits must be positive integers", async () => {
      await assert.rejects(async () => open({ eventRetentionPerApp: 0 }), hasCode("STORE_INVALID_ARGUMENT"));
    });

    test("close and destroy are idempotent; calls after close fail with STORE_CLOSED", async () => {
      const s = await open();
      s.setMeta("k", "v");
      await s.close();
      await s.close();
      s.destroy();
      assert.throws(() => s.getMeta("k"), hasCode("STORE_CLOSED"));
      assert.throws(() => s.recordSamples([]), hasCode("STORE_CLOSED"));
      const t = await open();
      t.destroy(new Error("abort"));
      t.destroy();
      assert.throws(() => t.listApps(), hasCode("STORE_CLOSED"));
    });

    historyContract(open);
  });
}
