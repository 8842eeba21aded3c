import { test } from "node:test";
import assert from "node:assert/strict";
import { downstreamResponseHeaders, readRequestHead, upstreamRequestHeaders } from "./forward-headers.js";

const pairs = (flat: string[]): string[][] => flat.reduce<string[][]>((out, v, i) => (i % 2 ? out[out.length - 1]!.push(v) : out.push([v]), out), []);

test("readRequestHead collects host, auth, body framing, upgrade and listed fields in one pass", () => {
  const head = readRequestHead([
    ...["Host", "App.localhost:8080", "Authorization", "Bearer t", "Transfer-Encoding", "chunked"],
    ...["Connection", "Upgrade, X-Private", "Upgrade", "websocket", "X-Forwarded-For", "1.1.1.1", "x-forwarded-for", "2.2.2.2"],
  ]);
  assert.deepEqual(head, {
    host: "App.localhost:8080",
    authorization: "Bearer t",
    hasBody: true,
    chunked: true,
    upgrade: "websocket",
    forwardedFor: "1.1.1.1, 2.2.2.2",
    connectionListed: ["x-private"],
  });
  assert.equal(readRequestHead(["Content-Length", "0"]).hasBody, false);
  assert.equal(readRequestHead(["Content-Length", "12"]).hasBody, true);
  assert.equal(readRequestHead(["Content-Length", "12"]).chunked, false);
});

test("request: hop-by-hop fields and those Connection lists are dropped; X-Forwarded-* set last", () => {
  const raw = [
    ...["Host", "a.localhost", "Connection", "keep-alive, X-Private", "X-Private", "1", "Keep-Alive", "timeout=5"],
    ...["TE", "trailers", "Transfer-Encoding", "chunked", "Proxy-Authorization", "Basic x", "Proxy-Connection", "keep-alive"],
    ...["Expect", "100-continue", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "spoof", "Accept", "*/*", "Accept", "text/html"],
  ];
  const out = upstreamRequestHeaders(raw, readRequestHead(raw), { stripAuthorization: false, clientIp: "127.0.0.1", upgrade: false });
  assert.deepEqual(pairs(out), [
    ["Host", "a.localhost"],
    ["Accept", "*/*"],
    ["Accept", "text/html"],
    ["X-Forwarded-For", "127.0.0.1"],
    ["X-Forwarded-Proto", "http"],
    ["X-Forwarded-Host", "a.localhost"],
    ["Transfer-Encoding", "chunked"],
  ]);
});

test("request: Authorization is stripped only when asked; X-Forwarded-For is appended to", () => {
  const raw = ["Host", "a.localhost", "Authorization", "Bearer ebb", "X-Forwarded-For", "10.0.0.1"];
  const head = readRequestHead(raw);
  const kept = upstreamRequestHeaders(raw, head, { stripAuthorization: false, clientIp: "::1", upgrade: false });
  const stripped = upstreamRequestHeaders(raw, head, { stripAuthorization: true, clientIp: "::1", upgrade: false });
  assert.deepEqual(pairs(kept).slice(0, 3), [["Host", "a.localhost"], ["Authorization", "Bearer ebb"], ["X-Forwarded-For", "10.0.0.1, ::1"]]);
  assert.ok(!stripped.includes("Authorization"));
});

test("request: an upgrade keeps Connection: Upgrade and Upgrade", () => {
  const raw = ["Host", "ws.localhost", "Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Key", "k"];
  const out = upstreamRequestHeaders(raw, readRequestHead(raw), { stripAuthorization: true, clientIp: "127.0.0.1", upgrade: true });
  assert.deepEqual(pairs(out).slice(-2), [["Connection", "Upgrade"], ["Upgrade", "websocket"]]);
  assert.deepEqual(pairs(out)[1], ["Sec-WebSocket-Key", "k"]);
});

test("response: hop-by-hop and Connection-listed fields are dropped, repeated fields kept in order", () => {
  const raw = [
    ...["Content-Type", "text/plain", "Connection", "close, X-Internal", "X-Internal", "1", "Keep-Alive", "timeout=5"],
    ...["Transfer-Encoding", "chunked", "Trailer", "X-Sum", "Set-Cookie", "a=1", "Set-Cookie", "b=2", "Proxy-Authenticate", "Basic"],
  ];
  assert.deepEqual(pairs(downstreamResponseHeaders(raw)), [
    ["Content-Type", "text/plain"],
    ["Set-Cookie", "a=1"],
    ["Set-Cookie", "b=2"],
  ]);
});
