/**
 * The Store in memory, for unit tests of the parts that use one. It keeps the SQLite store's
 * observable behaviour (event ids, ordering, limits, retention, errors), held to it by the
 * shared contract suite. Values cross the boundary as JSON copies, as they would through
 * SQLite, so a caller can never mutate what is stored (or store what JSON cannot carry).
 */
import type { AppRecord, RevisionRecord, Store, StoreLimits } from "./types.js";
import type { Condition, EbbEvent } from "../spec/types.js";
import { appNotFound, duplicateRevision, guardClosed, pageLimit } from "./errors.js";
import { defaultConditionPage, defaultEventPage, resolveLimits } from "./limits.js";
import { createMemoryHistory } from "./memory-history.js";

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Keeps the last `limit` items of a list, oldest first. */
const newest = <T>(items: T[], limit: number): T[] => (limit === 0 ? [] : items.slice(-limit));

interface AppEntry {
  record: AppRecord;
  /** By revision number. */
  revisions: Map<number, RevisionRecord>;
  conditions: Condition[];
}

export function createMemoryStore(opts: StoreLimits = {}): Store {
  const limits = resolveLimits(opts);
  const history = createMemoryHistory(limits);
  const apps = new Map<string, AppEntry>();
  /** Events per app, each list in id order. */
  const events = new Map<string, EbbEvent[]>();
  const meta = new Map<string, string>();
  let lastEventId = 0;
  let closed = false;

  const entry = (app: string): AppEntry => {
    const found = apps.get(app);
    if (!found) throw appNotFound(app);
    return found;
  };

  const store: Store = {
    ...history,
    getApp: (name) => {
      const found = apps.get(name);
      return found && copy(found.record);
    },
    listApps: () =>
      [...apps.keys()]
        .sort()
        .map((name) => copy(apps.get(name)!.record)),
    putApp(app) {
      const found = apps.get(app.name);
      if (found) found.record = copy(app);
      else apps.set(app.name, { record: copy(app), revisions: new Map(), conditions: [] });
    },
    deleteApp(name) {
      apps.delete(name);
      events.delete(name);
      history.forget(name);
    },
    addRevision(rev) {
      const found = entry(rev.app);
      if (found.revisions.has(rev.revision)) throw duplicateRevision(rev.app, rev.revision);
      found.revisions.set(rev.revision, copy(rev));
    },
    getRevision(app, revision) {
      const found = apps.get(app)?.revisions.get(revision);
      return found && copy(found);
    },
    listRevisions: (app) =>
      [...(apps.get(app)?.revisions.values() ?? [])].sort((a, b) => a.revision - b.revision).map(copy),
    addCondition(app, condition) {
      const list = entry(app).conditions;
      list.push(copy(condition));
      if (list.length > limits.conditionRetentionPerApp) list.splice(0, list.length - limits.conditionRetentionPerApp);
    },
    listConditions: (app, limit) => newest(apps.get(app)?.conditions ?? [], pageLimit(limit, defaultConditionPage)).map(copy),
    appendEvent(e) {
      const { app, type, time, revision, message } = e;
      const event: EbbEvent = copy({ id: ++lastEventId, app, type, time, revision, message, data: e.data ?? {} });
      const list = events.get(e.app) ?? [];
      list.push(event);
      events.set(e.app, list);
      if (list.length > limits.eventRetentionPerApp) list.splice(0, list.length - limits.eventRetentionPerApp);
      return copy(event);
    },
    listEvents(q = {}) {
      const limit = pageLimit(q.limit, defaultEventPage);
      const after = q.afterId ?? 0;
      const pool = q.app === undefined ? [...events.values()].flat().sort((a, b) => a.id - b.id) : (events.get(q.app) ?? []);
      return newest(pool.filter((e) => e.id > after), limit).map(copy);
    },
    getMeta: (key) => meta.get(key),
    setMeta(key, value) {
      meta.set(key, value);
    },
    async close() {
      closed = true;
    },
    destroy() {
      closed = true;
    },
  };
  return guardClosed(store, () => closed);
}
