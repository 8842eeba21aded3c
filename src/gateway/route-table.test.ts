import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../kit/clock.js";
import { silentLogger } from "../kit/log.js";
import { AppRoute } from "./app-route.js";
import { hostKey, RouteTable } from "./route-table.js";
import { route } from "./test-servers.js";

const deps = {
  clock: new ManualClock(),
  hooks: { onWake() {}, onWakeServed() {} },
  log: silentLogger,
  pool: { connectTimeoutMs: 1000, idleTimeoutMs: 1000 },
  defaultWakeQueueLimit: 10,
  retryAfterSec: 1,
  touched() {},
};

test("hostKey drops the port and a trailing dot and lower-cases", () => {
  assert.equal(hostKey("Hello.LocalHost:8080"), "hello.localhost");
  assert.equal(hostKey("hello.localhost."), "hello.localhost");
  assert.equal(hostKey("www.Example.com.:443"), "www.example.com");
  assert.equal(hostKey("[::1]:8080"), "[::1]");
  assert.equal(hostKey(""), "");
});

test("lookup finds an app by any of its hosts; delete forgets them all", () => {
  const table = new RouteTable();
  const a = new AppRoute(route("a", { hosts: ["a.localhost", "A.example.com"] }), deps);
  table.set(a, a.settings.hosts);
  assert.equal(table.lookup("A.LOCALHOST:8080"), a);
  assert.equal(table.lookup("a.example.com"), a);
  assert.equal(table.lookup("b.localhost"), undefined);
  assert.equal(table.get("a"), a);
  assert.equal(table.delete("a"), a);
  assert.equal(table.lookup("a.localhost"), undefined);
  assert.equal(table.size, 0);
});

test("updating an app's hosts drops the old names; a name taken from another app is reported", () => {
  const table = new RouteTable();
  const a = new AppRoute(route("a", { hosts: ["a.localhost", "shared.example.com"] }), deps);
  const b = new AppRoute(route("b"), deps);
  table.set(a, a.settings.hosts);
  table.set(b, b.settings.hosts);
  assert.deepEqual(table.set(a, ["a.localhost", "new.example.com"]), []);
  assert.equal(table.lookup("shared.example.com"), undefined);
  assert.equal(table.lookup("new.example.com"), a);
  assert.deepEqual(table.set(b, ["b.localhost", "new.example.com"]), ["new.example.com (from a)"]);
  assert.equal(table.lookup("new.example.com"), b);
  table.delete("a");
  assert.equal(table.lookup("new.example.com"), b, "deleting the old holder leaves the moved name alone");
});

test("with 10,000 registered apps a lookup still finds its app in one map access", () => {
  const table = new RouteTable();
  for (let i = 0; i < 10_000; i++) {
    const r = new AppRoute(route(`app-${i}`), deps);
    table.set(r, r.settings.hosts);
  }
  assert.equal(table.size, 10_000);
  assert.equal(table.lookup("app-9999.localhost:8080")?.name, "app-9999");
  assert.equal(table.lookup("app-0.localhost")?.name, "app-0");
});
