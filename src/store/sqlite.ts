/**
 * The Store on SQLite through better-sqlite3, the only file that imports the driver. One
 * connection, synchronous calls, statements prepared once at open. WAL mode lets readers run
 * beside the one writer; busy_timeout makes a second process wait for a lock instead of
 * failing; foreign keys cascade an app's deletion to its revisions and conditions (events,
 * arrivals and samples are deleted explicitly: events may outlive their app).
 * The schema comes from migrations.ts, applied forward by PRAGMA user_version.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { isEbbError } from "../kit/errors.js";
import { silentLogger, type Logger } from "../kit/log.js";
import type { AppRecord, RevisionRecord, Store, StoreLimits } from "./types.js";
import type { Condition, EbbEvent, EventType } from "../spec/types.js";
import { appNotFound, duplicateRevision, guardClosed, pageLimit, storeError } from "./errors.js";
import { defaultConditionPage, defaultEventPage, resolveLimits } from "./limits.js";
import { migrations, schemaVersion } from "./migrations.js";
import { createSqliteHistory, type SqlConnection } from "./sqlite-history.js";

export interface SqliteStoreOptions extends StoreLimits {
  /** Database file; its folder is created if missing. ":memory:" keeps it in memory. */
  file: string;
  /** How long a statement waits for a lock held by another connection, in ms. Default 5000. */
  busyTimeoutMs?: number;
  log?: Logger;
}

type Row = Record<string, unknown>;

/** Opens (creating and migrating as needed) the database. Throws STORE_OPEN_FAILED or STORE_SCHEMA_TOO_NEW. */
export function openSqliteStore(opts: SqliteStoreOptions): Store {
  const limits = resolveLimits(opts);
  const db = openDatabase(opts.file, opts.busyTimeoutMs ?? 5000, opts.log ?? silentLogger);
  const sql: SqlConnection = { prepare: (source) => db.prepare(source), transaction: (fn) => db.transaction(fn) };
  const history = createSqliteHistory(sql, limits);
  const s = {
    getApp: db.prepare("SELECT * FROM apps WHERE name = ?"),
    listApps: db.prepare("SELECT * FROM apps ORDER BY name"),
    putApp: db.prepare(
      `INSERT INTO apps (name, spec, spec_hash, revision, desired_state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, spec_hash = excluded.spec_hash, revision = excluded.revision,
         desired_state = excluded.desired_state, created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ),
    deleteApp: db.prepare("DELETE FROM apps WHERE name = ?"),
    deleteEvents: db.prepare("DELETE FROM events WHERE app = ?"),
    addRevision: db.prepare("INSERT INTO revisions (app, revision, spec_hash, spec, created_at) VALUES (?, ?, ?, ?, ?)"),
    getRevision: db.prepare("SELECT * FROM revisions WHERE app = ? AND revision = ?"),
    listRevisions: db.prepare("SELECT * FROM revisions WHERE app = ? ORDER BY revision"),
    addCondition: db.prepare("INSERT INTO conditions (app, time, status, substate, message, revision) VALUES (?, ?, ?, ?, ?, ?)"),
    pruneConditions: db.prepare(
      "DELETE FROM conditions WHERE app = @app AND id <= (SELECT id FROM conditions WHERE app = @app ORDER BY id DESC LIMIT 1 OFFSET @keep)",
    ),
    listConditions: db.prepare("SELECT * FROM (SELECT * FROM conditions WHERE app = ? ORDER BY id DESC LIMIT ?) ORDER BY id"),
    appendEvent: db.prepare("INSERT INTO events (app, type, time, revision, message, data) VALUES (?, ?, ?, ?, ?, ?)"),
    pruneEvents: db.prepare(
      "DELETE FROM events WHERE app = @app AND id <= (SELECT id FROM events WHERE app = @app ORDER BY id DESC LIMIT 1 OFFSET @keep)",
    ),
    eventsOfApp: db.prepare("SELECT * FROM (SELECT * FROM events WHERE app = ? AND id > ? ORDER BY id DESC LIMIT ?) ORDER BY id"),
    eventsOfAll: db.prepare("SELECT * FROM (SELECT * FROM events WHERE id > ? ORDER BY id DESC LIMIT ?) ORDER BY id"),
    getMeta: db.prepare("SELECT value FROM meta WHERE key = ?"),
    setMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
  };

  const deleteApp = db.transaction((name: string) => {
    s.deleteApp.run(name);
    s.deleteEvents.run(name);
    history.forget(name);
  });
  const addCondition = db.transaction((app: string, c: Condition) => {
    s.addCondition.run(app, c.time, c.status, c.substate, c.message, c.revision);
    s.pruneConditions.run({ app, keep: limits.conditionRetentionPerApp });
  });
  const appendEvent = db.transaction((e: Omit<EbbEvent, "id">): EbbEvent => {
    const data = JSON.stringify(e.data ?? {});
    const id = Number(s.appendEvent.run(e.app, e.type, e.time, e.revision, e.message, data).lastInsertRowid);
    s.pruneEvents.run({ app: e.app, keep: limits.eventRetentionPerApp });
    return { id, app: e.app, type: e.type, time: e.time, revision: e.revision, message: e.message, data: JSON.parse(data) };
  });

  let closed = false;
  const shut = (): void => {
    if (closed) return;
    closed = true;
    db.close();
  };
  const store: Store = {
    ...history,
    getApp: (name) => mapOpt(s.getApp.get(name), appFromRow),
    listApps: () => (s.listApps.all() as Row[]).map(appFromRow),
    putApp(a) {
      s.putApp.run(a.name, JSON.stringify(a.spec), a.specHash, a.revision, a.desiredState, a.createdAt, a.updatedAt);
    },
    deleteApp: (name) => deleteApp(name),
    addRevision(r) {
      try {
        s.addRevision.run(r.app, r.revision, r.specHash, JSON.stringify(r.spec), r.createdAt);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") throw appNotFound(r.app);
        if (code === "SQLITE_CONSTRAINT_PRIMARYKEY") throw duplicateRevision(r.app, r.revision);
        throw err;
      }
    },
    getRevision: (app, revision) => mapOpt(s.getRevision.get(app, revision), revisionFromRow),
    listRevisions: (app) => (s.listRevisions.all(app) as Row[]).map(revisionFromRow),
    addCondition(app, c) {
      try {
        addCondition(app, c);
      } catch (err) {
        if ((err as { code?: unknown }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") throw appNotFound(app);
        throw err;
      }
    },
    listConditions: (app, limit) => (s.listConditions.all(app, pageLimit(limit, defaultConditionPage)) as Row[]).map(conditionFromRow),
    appendEvent: (e) => appendEvent(e),
    listEvents(q = {}) {
      const limit = pageLimit(q.limit, defaultEventPage);
      const after = q.afterId ?? 0;
      const rows = q.app === undefined ? s.eventsOfAll.all(after, limit) : s.eventsOfApp.all(q.app, after, limit);
      return (rows as Row[]).map(eventFromRow);
    },
    getMeta: (key) => (s.getMeta.get(key) as { value: string } | undefined)?.value,
    setMeta(key, value) {
      s.setMeta.run(key, value);
    },
    close: async () => shut(),
    destroy: () => shut(),
  };
  return guardClosed(store, () => closed);
}

function openDatabase(file: string, busyTimeoutMs: number, log: Logger): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: busyTimeoutMs });
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, file, log);
    return db;
  } catch (err) {
    db?.close();
    if (isEbbError(err)) throw err;
    throw storeError("STORE_OPEN_FAILED", `cannot open the database ${file}: ${(err as Error).message}`, { file }, err);
  }
}

function migrate(db: Database.Database, file: string, log: Logger): void {
  const found = db.pragma("user_version", { simple: true }) as number;
  if (found > schemaVersion) {
    throw storeError(
      "STORE_SCHEMA_TOO_NEW",
      `the database ${file} has schema version ${found}, newer than the ${schemaVersion} this ebb knows; upgrade ebb`,
      { file, found, supported: schemaVersion },
    );
  }
  for (let v = found; v < schemaVersion; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  if (found < schemaVersion) log.info("store migrated", { file, from: found, to: schemaVersion });
}

function mapOpt<T>(row: unknown, map: (r: Row) => T): T | undefined {
  return row === undefined ? undefined : map(row as Row);
}

function appFromRow(r: Row): AppRecord {
  return {
    name: r.name as string,
    spec: JSON.parse(r.spec as string),
    specHash: r.spec_hash as string,
    revision: r.revision as number,
    desiredState: r.desired_state as AppRecord["desiredState"],
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

function revisionFromRow(r: Row): RevisionRecord {
  const spec = JSON.parse(r.spec as string);
  return { app: r.app as string, revision: r.revision as number, specHash: r.spec_hash as string, spec, createdAt: r.created_at as string };
}

function conditionFromRow(r: Row): Condition {
  return {
    time: r.time as string,
    status: r.status as Condition["status"],
    substate: r.substate as Condition["substate"],
    message: r.message as string,
    revision: r.revision as number,
  };
}

function eventFromRow(r: Row): EbbEvent {
  return {
    id: r.id as number,
    app: r.app as string,
    type: r.type as EventType,
    time: r.time as string,
    revision: r.revision as number | null,
    message: r.message as string,
    data: JSON.parse(r.data as string),
  };
}
