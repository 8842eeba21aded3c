import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { BodyKind, parseRequestHead } from "./request-head.js";
import { statusFor } from "./respond.js";

const limits = { maxHeadBytes: 16 * 1024, maxHeaderCount: 100 };
const parse = (text: string) => parseRequestHead(text, limits);

/** The status the gateway answers for a head `parse` refuses. */
function refusal(text: string): number {
  try {
    parse(text);
  } catch (err) {
    assert.ok(isEbbError(err), `an EbbError for ${JSON.stringify(text)}`);
    return statusFor(err.code);
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
}

test("a plain HTTP/1.1 request: method, target, fields as sent, keep-alive, no body", () => {
  const req = parse("GET /a?b=1 HTTP/1.1\r\nHost: App.localhost:8080\r\nX-Empty:\r\nAccept:  text/html \t");
  assert.equal(req.method, "GET");
  assert.equal(req.target, "/a?b=1");
  assert.equal(req.minor, 1);
  assert.deepEqual(req.raw, ["Host", "App.localhost:8080", "X-Empty", "", "Accept", "text/html"]);
  assert.equal(req.keepAlive, true);
  assert.equal(req.body, BodyKind.None);
  assert.equal(req.expectContinue, false);
  assert.equal(req.upgrade, false);
});

test("keep-alive follows RFC 9112 §9.3 for HTTP/1.1 and HTTP/1.0", () => {
  assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close").keepAlive, false);
  assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, Close").keepAlive, false);
  assert.equal(parse("GET / HTTP/1.0").keepAlive, false);
  assert.equal(parse("GET / HTTP/1.0\r\nConnection: keep-alive").keepAlive, true);
  assert.equal(parse("GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive").keepAlive, false);
  assert.equal(parse("GET / HTTP/1.2\r\nHost: a").minor, 1, "a later 1.x minor is read as 1.1");
});

test("body framing: Content-Length, chunked as the final coding, none", () => {
  const length = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12");
  assert.deepEqual([length.body, length.contentLength], [BodyKind.Length, 12]);
  assert.equal(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0").body, BodyKind.None);
  assert.equal(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked").body, BodyKind.Chunked);
});

test("Expect: 100-continue counts on HTTP/1.1 only; an Upgrade needs Connection: upgrade", () => {
  assert.equal(parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1").expectContinue, true);
  assert.equal(parse("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1").expectContinue, false);
  assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket").upgrade, true);
  assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket").upgrade, false);
});

test("an absolute-form target is routed by its authority and sent on in origin-form", () => {
  const req = parse("GET http://abs.localhost:8080?q=1 HTTP/1.1\r\nHost: other.localhost\r\nAccept: */*");
  assert.equal(req.target, "/?q=1");
  assert.deepEqual(req.raw, ["Host", "abs.localhost:8080", "Accept", "*/*"]);
  assert.equal(parse("GET HTTPS://x.localhost/p/q HTTP/1.0").raw[1], "x.localhost");
  assert.equal(parse("OPTIONS * HTTP/1.1\r\nHost: a").target, "*");
});

test("malformed request lines are 400; other versions 505; CONNECT 501", () => {
  const bad = ["GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 ", "G(T / HTTP/1.1", "GET / http/1.1", "GET /a b HTTP/1.1", "GET /\x7f HTTP/1.1", "GET / HTTP/11", " GET / HTTP/1.1"];
  for (const line of bad) assert.equal(refusal(`${line}\r\nHost: a`), 400, JSON.stringify(line));
  assert.equal(refusal("GET * HTTP/1.1\r\nHost: a"), 400);
  assert.equal(refusal("GET ftp://a/ HTTP/1.1\r\nHost: a"), 400);
  assert.equal(refusal("GET http://user@a/ HTTP/1.1\r\nHost: a"), 400);
  assert.equal(refusal("GET a.localhost HTTP/1.1\r\nHost: a"), 400);
  assert.equal(refusal("GET / HTTP/2.0\r\nHost: a"), 505);
  assert.equal(refusal("GET / HTTP/0.9"), 505);
  assert.equal(refusal("CONNECT a.localhost:443 HTTP/1.1\r\nHost: a.localhost:443"), 501);
});

test("malformed field lines are 400: obs-fold, whitespace before the colon, bad names and values", () => {
  const bad = ["X-A: 1\r\n folded", "X-A: 1\r\n\tfolded", "X-A : 1", "X-A\t: 1", "X A: 1", "X(A): 1", ": no name", "no colon", "X-A: a\x00b", "X-A: a\x1bb", "X-A: a\x7fb"];
  for (const field of bad) assert.equal(refusal(`GET / HTTP/1.1\r\nHost: a\r\n${field}`), 400, JSON.stringify(field));
  assert.throws(() => parse("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n y"), /[Oo]bsolete line folding/);
  assert.throws(() => parse("GET / HTTP/1.1\r\nHost: a\r\nX : 1"), /Whitespace between a field name and its colon/);
  assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\nX-Latin: caf\xe9").raw[3], "caf\xe9", "obs-text is kept");
});

test("Host: required on HTTP/1.1, once, with a valid value", () => {
  assert.equal(refusal("GET / HTTP/1.1\r\nAccept: */*"), 400);
  assert.equal(refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: a"), 400);
  assert.equal(refusal("GET / HTTP/1.1\r\nHost: a/b"), 400);
  assert.equal(refusal("GET / HTTP/1.1\r\nHost: a b"), 400);
  assert.equal(parse("GET / HTTP/1.0").raw.length, 0, "HTTP/1.0 may omit Host");
  assert.equal(parse("GET / HTTP/1.1\r\nHost: [::1]:8080").raw[1], "[::1]:8080");
});

test("Content-Length: digits only, one field; never beside Transfer-Encoding", () => {
  for (const value of ["1,1", "1, 2", "-1", "+1", "0x10", "12a", "", "1 2", "9999999999999999"]) {
    assert.equal(refusal(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${value}`), 400, JSON.stringify(value));
  }
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3"), 400);
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked"), 400);
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3"), 400);
});

test("Transfer-Encoding: chunked last and once, no other coding (501), not on HTTP/1.0", () => {
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked"), 501);
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x-custom\r\nTransfer-Encoding: chunked"), 501);
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip"), 400);
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip"), 400);
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked"), 400);
  assert.equal(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "), 400);
  assert.equal(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked"), 400);
});

test("more header fields than maxHeaderCount is 431", () => {
  const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: v`).join("\r\n");
  assert.equal(parse(`GET / HTTP/1.1\r\nHost: a\r\n${fields(99)}`).raw.length, 200);
  assert.equal(refusal(`GET / HTTP/1.1\r\nHost: a\r\n${fields(100)}`), 431);
});
