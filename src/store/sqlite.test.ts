/**
 * The SQLite store on real files in a temp folder: the shared contract, then what only a file
 * can show: data surviving a reopen, WAL mode, migrations applied once, and refusal of a
 * database written by a newer ebb. The schema version is read and written in the file header
 * directly (SQLite file format, section 1.3: user_version is the big-endian 4-byte integer at
 * offset 60), so the test needs no driver of its own.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../kit/log.js";
import { openSqliteStore } from "./sqlite.js";
import { storeContract } from "./contract.js";
import { hasCode } from "./contract-history.js";
import { schemaVersion } from "./migrations.js";

const dir = mkdtempSync(join(tmpdir(), "ebb-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshFile = (): string => join(dir, `db-${++files}`, "ebb.db");

storeContract("sqlite", (limits) => openSqliteStore({ file: freshFile(), ...limits }));

const userVersion = (file: string): number => readFileSync(file).readUInt32BE(60);

function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const log = {
    messages,
    debug: (m: string) => void messages.push(m),
    info: (m: string) => void messages.push(m),
    warn: (m: string) => void messages.push(m),
    error: (m: string) => void messages.push(m),
    child: () => log,
  };
  return log;
}

test("data survives close and reopen; event ids keep increasing", async () => {
  const file = freshFile();
  const first = openSqliteStore({ file });
  first.putApp({
    name: "a",
    spec: { name: "a", command: ["node", "s.js"], workdir: "/srv", env: {}, scaling: { replicas: [0, 1], scaledownAfter: 300, metric: { requestRate: 5 } }, timeouts: { request: 300, startup: 300 }, readiness: { path: "/healthz" }, requiresAuth: false, resources: { cpu: 1, memory: "512Mi" }, domains: ["a.example.com"] },
    specHash: "h1",
    revision: 1,
    desiredState: "ACTIVE",
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:00.000Z",
  });
  const app = first.getApp("a")!;
  first.addRevision({ app: "a", revision: 1, specHash: "h1", spec: app.spec, createdAt: app.createdAt });
  first.addCondition("a", { time: app.createdAt, status: "DEPLOYING", substate: "INITIALIZING", message: "starting", revision: 1 });
  const ev = first.appendEvent({ app: "a", type: "Deployed", time: app.createdAt, revision: 1, message: "deployed", data: { outcome: "created" } });
  first.setMeta("token", "secret");
  first.recordArrivals("a", [[1_700_000_000, 3]]);
  first.recordSamples([{ app: "a", time: 60_000, desired: 1, ready: 1, inflight: 2, requests: 3, errors: 0, p50Ms: 4.5, p99Ms: 9, coldStarts: 1 }]);
  await first.close();

  const second = openSqliteStore({ file });
  assert.deepEqual(second.getApp("a"), app);
  assert.equal(second.listRevisions("a").length, 1);
  assert.deepEqual(second.listConditions("a").map((c) => c.substate), ["INITIALIZING"]);
  assert.deepEqual(second.listEvents(), [ev]);
  assert.equal(second.getMeta("token"), "secret");
  assert.deepEqual(second.listArrivals("a", 0, 2_000_000_000), [[1_700_000_000, 3]]);
  assert.equal(second.querySamples("a", 0, 120_000, 1000)[0]?.p50Ms, 4.5);
  assert.ok(second.appendEvent({ ...ev, message: "again" }).id > ev.id);
  await second.close();
});

test("creates its folder and writes through a WAL", async () => {
  const file = join(dir, "nested", "deeper", "ebb.db");
  const store = openSqliteStore({ file });
  store.setMeta("k", "v");
  assert.ok(existsSync(file));
  assert.ok(existsSync(`${file}-wal`), "journal_mode is WAL");
  await store.close();
});

test("migrations run once: the file ends at the schema version and a reopen migrates nothing", async () => {
  const file = freshFile();
  const log = recordingLogger();
  await openSqliteStore({ file, log }).close();
  assert.deepEqual(log.messages, ["store migrated"]);
  assert.equal(userVersion(file), schemaVersion);
  await openSqliteStore({ file, log }).close();
  assert.deepEqual(log.messages, ["store migrated"]);
  assert.equal(userVersion(file), schemaVersion);
});

test("a database from a newer ebb is refused with STORE_SCHEMA_TOO_NEW and left as it was", async () => {
  const file = freshFile();
  const store = openSqliteStore({ file });
  store.setMeta("k", "v");
  await store.close();
  const bytes = readFileSync(file);
  bytes.writeUInt32BE(schemaVersion + 1, 60);
  writeFileSync(file, bytes);
  assert.throws(
    () => openSqliteStore({ file }),
    (err: unknown) => hasCode("STORE_SCHEMA_TOO_NEW")(err) && (err as { details: { found: number } }).details.found === schemaVersion + 1,
  );
  assert.deepEqual(readFileSync(file), bytes);
});

test("a file that is not a database fails with STORE_OPEN_FAILED naming the file", () => {
  const file = freshFile();
  openSqliteStore({ file, eventRetentionPerApp: 1 }).destroy();
  writeFileSync(file, "this is not a database, just text that is long enough to fill a header".repeat(4));
  assert.throws(() => openSqliteStore({ file }), (err: unknown) => hasCode("STORE_OPEN_FAILED")(err) && String((err as Error).message).includes(file));
});
