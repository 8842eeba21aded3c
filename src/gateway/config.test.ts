import { test } from "node:test";
import assert from "node:assert/strict";
import { gatewayDefaults, resolveGatewayConfig, type GatewayOptions } from "./config.js";

test("defaults fill every field but the token, and the result is frozen", () => {
  const cfg = resolveGatewayConfig({ authToken: "t" });
  assert.deepEqual(cfg, { ...gatewayDefaults, authToken: "t" });
  assert.equal(cfg.port, 8080);
  assert.equal(cfg.host, "127.0.0.1");
  assert.equal(cfg.defaultWakeQueueLimit, 1000);
  assert.equal(cfg.retryAfterSec, 1);
  assert.ok(Object.isFrozen(cfg));
  assert.ok(Object.isFrozen(gatewayDefaults));
});

test("given values win; undefined ones keep the default", () => {
  const cfg = resolveGatewayConfig({ authToken: "t", port: 0, maxHeaderBytes: 32_768, retryAfterSec: undefined });
  assert.equal(cfg.port, 0);
  assert.equal(cfg.maxHeaderBytes, 32_768);
  assert.equal(cfg.retryAfterSec, 1);
});

test("unknown keys and bad values are all reported at once", () => {
  const bad = { authToken: "", port: 70_000, keepAliveTimeoutMs: -1, retryAfter: 3 } as unknown as GatewayOptions;
  assert.throws(
    () => resolveGatewayConfig(bad),
    (err: Error) => {
      assert.ok(err instanceof TypeError);
      for (const part of ['unknown key "retryAfter"', "authToken", "port", "keepAliveTimeoutMs"]) assert.ok(err.message.includes(part), part);
      return true;
    },
  );
});

test("port 0 (any free port) and an explicit header limit are accepted; a zero limit is not", () => {
  assert.equal(resolveGatewayConfig({ authToken: "t", port: 0 }).port, 0);
  assert.equal(resolveGatewayConfig({ authToken: "t", maxHeaderBytes: 8192 }).maxHeaderBytes, 8192);
  assert.throws(() => resolveGatewayConfig({ authToken: "t", maxHeaderBytes: 0 }), /maxHeaderBytes/);
  assert.throws(() => resolveGatewayConfig({ authToken: "t", upstreamConnectTimeoutMs: 1.5 }), /upstreamConnectTimeoutMs/);
});

test("the resolved config cannot be changed afterwards", () => {
  const cfg = resolveGatewayConfig({ authToken: "t" }) as { port: number };
  assert.throws(() => {
    cfg.port = 1;
  }, TypeError);
  assert.equal(cfg.port, 8080);
});
