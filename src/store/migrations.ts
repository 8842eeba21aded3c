/**
 * The SQLite schema as an ordered list of forward-only steps. Step i (0-based) brings a database
 * from `PRAGMA user_version` i to i + 1; sqlite.ts applies the missing steps at open, each in its
 * own transaction together with the version bump, and refuses a database whose version is higher
 * than `schemaVersion` (written by a newer ebb). Steps are never edited once released: a change
 * is a new step at the end.
 *
 * Specs and event data are JSON text columns; times are ISO 8601 text, except the histories:
 * arrivals in epoch seconds, samples in epoch ms.
 */

export const migrations: readonly string[] = [
  // 1: apps, revisions, conditions, events, meta
  `
  CREATE TABLE apps (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    revision INTEGER NOT NULL,
    desired_state TEXT NOT NULL CHECK (desired_state IN ('ACTIVE', 'STOPPED')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE revisions (
    app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    spec_hash TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (app, revision)
  );
  CREATE TABLE conditions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE,
    time TEXT NOT NULL,
    status TEXT NOT NULL,
    substate TEXT,
    message TEXT NOT NULL,
    revision INTEGER NOT NULL
  );
  CREATE INDEX conditions_by_app ON conditions (app, id);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app TEXT NOT NULL,
    type TEXT NOT NULL,
    time TEXT NOT NULL,
    revision INTEGER,
    message TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX events_by_app ON events (app, id);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: traffic and metrics histories
  `
  CREATE TABLE arrivals (
    app TEXT NOT NULL,
    sec INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (app, sec)
  ) WITHOUT ROWID;
  CREATE INDEX arrivals_by_sec ON arrivals (sec);
  CREATE TABLE samples (
    app TEXT NOT NULL,
    time INTEGER NOT NULL,
    step_ms INTEGER NOT NULL,
    desired INTEGER NOT NULL,
    ready INTEGER NOT NULL,
    inflight INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    p50_ms REAL,
    p99_ms REAL,
    cold_starts INTEGER NOT NULL,
    PRIMARY KEY (app, time, step_ms)
  ) WITHOUT ROWID;
  CREATE INDEX samples_by_step ON samples (step_ms, time);
  `,
];

/** The version a database has once every step ran. */
export const schemaVersion = migrations.length;
