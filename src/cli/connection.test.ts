import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isEbbError } from "../api/client.js";
import { defaultServer, resolveConnection, resolveDataDir, serverFromDataDir } from "./connection.js";

function dataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ebb-conn-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test("the data directory: flag, else EBB_DATA_DIR, else .ebb, relative to cwd", () => {
  assert.equal(resolveDataDir({ dataDir: "state" }, { EBB_DATA_DIR: "/env" }, "/site"), "/site/state");
  assert.equal(resolveDataDir({}, { EBB_DATA_DIR: "/env" }, "/site"), "/env");
  assert.equal(resolveDataDir({}, {}, "/site"), "/site/.ebb");
});

test("the server: flag, else EBB_SERVER, else server.json's api, else the default", () => {
  const dir = dataDir({ "server.json": JSON.stringify({ api: "http://127.0.0.1:7777", gateway: "http://localhost:8080", pid: 1 }), token: "tok\n" });
  const env = { EBB_SERVER: "http://env:1" };
  assert.equal(resolveConnection({ server: "http://flag:1" }, env, dir).server, "http://flag:1");
  assert.equal(resolveConnection({}, env, dir).server, "http://env:1");
  assert.equal(resolveConnection({}, {}, dir).server, "http://127.0.0.1:7777");
  const bare = dataDir({ token: "tok" });
  assert.equal(resolveConnection({}, {}, bare).server, defaultServer);
});

test("a half-written or odd server.json counts as absent", () => {
  assert.equal(serverFromDataDir(dataDir({ "server.json": '{"api": "http://1' })), undefined);
  assert.equal(serverFromDataDir(dataDir({ "server.json": '{"api": 7}' })), undefined);
  assert.equal(serverFromDataDir(dataDir({})), undefined);
});

test("the token: flag, else EBB_TOKEN, else the token file (trimmed), else CLI_TOKEN_MISSING", () => {
  const dir = dataDir({ token: "  from-file\n" });
  assert.equal(resolveConnection({ token: "from-flag" }, { EBB_TOKEN: "from-env" }, dir).token, "from-flag");
  assert.equal(resolveConnection({}, { EBB_TOKEN: "from-env" }, dir).token, "from-env");
  assert.equal(resolveConnection({}, {}, dir).token, "from-file");
  const empty = dataDir({ token: "\n" });
  assert.throws(
    () => resolveConnection({}, {}, empty),
    (err) => isEbbError(err, "CLI_TOKEN_MISSING") && err.message.includes(join(empty, "token")),
  );
});
