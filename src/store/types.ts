/**
 * What the control plane persists: apps and their revisions, the conditions history, events.
 * Two implementations pass one contract suite (store/contract.ts): SQLite (sqlite.ts, the only
 * file that imports the driver) and an in-memory fake (memory.ts) for unit tests.
 * The interface is synchronous: SQLite through better-sqlite3 is, and the fake is trivially.
 */
import type { Closable } from "../kit/lifecycle.js";
import type { AppSpec, Condition, EbbEvent, NewEvent } from "../spec/types.js";

export interface AppRecord {
  name: string;
  /** The current revision's spec. */
  spec: AppSpec;
  specHash: string;
  /** The newest revision number (1-based). */
  revision: number;
  desiredState: "ACTIVE" | "STOPPED";
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface RevisionRecord {
  app: string;
  revision: number;
  specHash: string;
  spec: AppSpec;
  createdAt: string;
}

export interface EventQuery {
  app?: string;
  /** Only events with id > afterId. */
  afterId?: number;
  /** Newest `limit` events (default 100), returned oldest first. */
  limit?: number;
}

export interface Store extends Closable {
  getApp(name: string): AppRecord | undefined;
  listApps(): AppRecord[];
  /** Insert or replace. */
  putApp(app: AppRecord): void;
  /** Deletes the app with its revisions, conditions and events. */
  deleteApp(name: string): void;

  addRevision(rev: RevisionRecord): void;
  getRevision(app: string, revision: number): RevisionRecord | undefined;
  listRevisions(app: string): RevisionRecord[];

  addCondition(app: string, condition: Condition): void;
  /** Newest `limit` conditions (default 50), oldest first. */
  listConditions(app: string, limit?: number): Condition[];

  /** Appends an event and returns it with its id. Old events past the retention bound are pruned. */
  appendEvent(event: NewEvent): EbbEvent;
  listEvents(query?: EventQuery): EbbEvent[];

  /** A small key-value area for server state (e.g. the API token). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}
