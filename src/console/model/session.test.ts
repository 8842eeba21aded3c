import { test } from "node:test";
import assert from "node:assert/strict";
import { createSession, parseRoute, routeHref, tokenKey, type TokenStorage } from "./session.js";

function memoryStorage(): TokenStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

test("signing in keeps the trimmed token in storage; signing out removes it", () => {
  const storage = memoryStorage();
  const session = createSession(storage);
  assert.equal(session.token(), null);
  session.signIn("  abc123\n");
  assert.equal(storage.map.get(tokenKey), "abc123");
  assert.equal(createSession(storage).token(), "abc123", "a reload stays signed in");
  session.signOut();
  assert.equal(session.token(), null);
  assert.equal(storage.map.size, 0);
});

test("storage that refuses writes keeps the token for this page only", () => {
  const refusing: TokenStorage = {
    getItem: () => {
      throw new Error("denied");
    },
    setItem: () => {
      throw new Error("quota");
    },
    removeItem: () => {},
  };
  const session = createSession(refusing);
  session.signIn("tok");
  assert.equal(session.token(), "tok");
  assert.equal(createSession(null).token(), null);
});

test("routes live in the fragment and round-trip", () => {
  assert.deepEqual(parseRoute(""), { page: "apps" });
  assert.deepEqual(parseRoute("#/"), { page: "apps" });
  assert.deepEqual(parseRoute("#/apps/hello"), { page: "app", name: "hello" });
  assert.deepEqual(parseRoute("#/apps/hello/"), { page: "app", name: "hello" });
  assert.deepEqual(parseRoute("#/apps/%E0%A4"), { page: "apps" }, "malformed escapes fall back to the list");
  assert.deepEqual(parseRoute("#/nowhere"), { page: "apps" });
  assert.equal(routeHref({ page: "app", name: "my app" }), "#/apps/my%20app");
  assert.deepEqual(parseRoute(routeHref({ page: "app", name: "my app" })), { page: "app", name: "my app" });
});

test("a blank stored token counts as none, so the sign-in form shows", () => {
  const storage = memoryStorage();
  storage.map.set(tokenKey, "  \n");
  assert.equal(createSession(storage).token(), null);
  storage.map.set(tokenKey, "tok\n");
  assert.equal(createSession(storage).token(), "tok");
});
