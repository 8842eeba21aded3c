import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { errorCatalogue } from "../spec/catalogue.js";
import { errorAnswer, gatewayError, isGatewayCode, statusFor, writeErrorToSocket } from "./respond.js";

test("every GATEWAY_ code in the catalogue has its status (DESIGN §8)", () => {
  const expected: Record<string, number> = {
    GATEWAY_UNKNOWN_HOST: 404,
    GATEWAY_AUTH_REQUIRED: 401,
    GATEWAY_WAKE_QUEUE_FULL: 503,
    GATEWAY_WAKE_TIMEOUT: 504,
    GATEWAY_APP_STOPPED: 503,
    GATEWAY_APP_UNAVAILABLE: 503,
    GATEWAY_UPSTREAM_FAILED: 502,
    GATEWAY_REQUEST_TIMEOUT: 504,
    GATEWAY_SHUTTING_DOWN: 503,
    GATEWAY_BAD_REQUEST: 400,
    GATEWAY_REQUEST_HEAD_TOO_LARGE: 431,
    GATEWAY_NOT_IMPLEMENTED: 501,
    GATEWAY_HTTP_VERSION_UNSUPPORTED: 505,
  };
  const gatewayCodes = Object.keys(errorCatalogue).filter((c) => c.startsWith("GATEWAY_"));
  assert.deepEqual(gatewayCodes.sort(), Object.keys(expected).sort());
  for (const code of gatewayCodes) {
    assert.ok(isGatewayCode(code));
    assert.equal(statusFor(code), expected[code], code);
  }
  assert.equal(isGatewayCode("RUNTIME_CRASH_LOOP"), false);
});

test("errorAnswer renders the JSON body, Retry-After and WWW-Authenticate that an HTTP client reads", async (t) => {
  let step = 0;
  // A raw listener writing the rendered answers, as a client connection does.
  const server = createServer((socket) => {
    socket.once("data", () => {
      step++;
      const answer =
        step === 1
          ? errorAnswer(gatewayError("GATEWAY_WAKE_QUEUE_FULL", "full", { app: "a", limit: 2 }), { retryAfterSec: 3 }, "Connection: close\r\n")
          : errorAnswer(gatewayError("GATEWAY_AUTH_REQUIRED", "token please"), {}, "Connection: close\r\n");
      socket.end(answer.head + answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  const get = () =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve) => {
      request({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      }).end();
    });
  const full = await get();
  assert.equal(full.status, 503);
  assert.equal(full.headers["retry-after"], "3");
  assert.equal(full.headers.connection, "close");
  assert.equal(full.headers["content-type"], "application/json; charset=utf-8");
  assert.deepEqual(JSON.parse(full.body), { error: { code: "GATEWAY_WAKE_QUEUE_FULL", message: "full", app: "a", limit: 2 } });
  const auth = await get();
  assert.equal(auth.status, 401);
  assert.equal(auth.headers["www-authenticate"], 'Bearer realm="ebb"');
  assert.equal(auth.headers["retry-after"], undefined);
});

test("writeErrorToSocket writes a complete HTTP/1.1 answer and ends the socket", async () => {
  const socket = new PassThrough();
  let text = "";
  socket.on("data", (c: Buffer) => (text += c));
  const ended = new Promise((r) => socket.on("end", r));
  assert.equal(writeErrorToSocket(socket, gatewayError("GATEWAY_UNKNOWN_HOST", "no app", { host: "x" })), 404);
  await ended;
  const [head, body] = text.split("\r\n\r\n");
  assert.match(head!, /^HTTP\/1\.1 404 Not Found\r\n/);
  assert.match(head!, /\r\nConnection: close/);
  assert.match(head!, new RegExp(`Content-Length: ${Buffer.byteLength(body!)}`));
  assert.deepEqual(JSON.parse(body!), { error: { code: "GATEWAY_UNKNOWN_HOST", message: "no app", host: "x" } });
});
