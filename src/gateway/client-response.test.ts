import { test } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { ManualClock } from "../kit/clock.js";
import { DateField, ResponseWriter, responseHeadText } from "./client-response.js";
import { BodyKind, type ParsedRequest } from "./request-head.js";
import { gatewayError } from "./respond.js";

test("the client's head keeps end-to-end fields in order and case, drops hop-by-hop ones, adds the hop's lines", () => {
  const raw = [
    ...["Content-Type", "text/plain", "Connection", "keep-alive", "Keep-Alive", "timeout=5", "Set-Cookie", "a=1"],
    ...["Transfer-Encoding", "chunked", "TE", "trailers", "Trailer", "X-Sum", "Proxy-Authenticate", "Basic", "Set-Cookie", "b=2"],
  ];
  const text = responseHeadText(200, "OK", raw, "Transfer-Encoding: chunked\r\n", "Date: D\r\n");
  assert.equal(text, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nDate: D\r\nTransfer-Encoding: chunked\r\n\r\n");
});

test("fields a Connection value names are dropped too; a replica's Date is kept", () => {
  const raw = ["X-Internal", "1", "Date", "Sun, 06 Nov 1994 08:49:37 GMT", "Connection", "close, X-Internal", "Content-Length", "0"];
  assert.equal(
    responseHeadText(404, "Not Found", raw, "Connection: close\r\n", "Date: ours\r\n"),
    "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
  );
});

test("the Date line is an IMF-fixdate, rendered once per second", () => {
  const date = new DateField();
  const first = date.line(784_111_777_000);
  assert.equal(first, "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
  assert.equal(date.line(784_111_777_999), first);
  assert.equal(date.line(784_111_778_000), "Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n");
});

/** A socket that records each write (a cork/uncork batch counts as one). */
function recorder(): { socket: Socket; writes: string[] } {
  const writes: string[] = [];
  let corked: string[] | null = null;
  const socket = {
    write: (chunk: string | Buffer, encoding?: BufferEncoding) => {
      const text = typeof chunk === "string" ? Buffer.from(chunk, encoding ?? "utf8").toString("latin1") : chunk.toString("latin1");
      if (corked !== null) corked.push(text);
      else writes.push(text);
      return true;
    },
    cork: () => void (corked = []),
    uncork: () => {
      writes.push(corked!.join(""));
      corked = null;
    },
  } as unknown as Socket;
  return { socket, writes };
}

const req = (over: Partial<ParsedRequest> = {}): ParsedRequest => ({
  method: "GET", target: "/", minor: 1, raw: [], keepAlive: true, expectContinue: false, upgrade: false, body: BodyKind.None, contentLength: 0, ...over,
});
const writer = (socket: Socket) => new ResponseWriter(socket, new ManualClock(784_111_777_000), new DateField());

test("a small answer read in one piece goes out in one write, head and body", () => {
  const { socket, writes } = recorder();
  const w = writer(socket);
  w.start(200, "OK", ["Content-Length", "5"], 5, req(), true);
  assert.deepEqual(writes, [], "the head waits for the body");
  w.end(Buffer.from("hello"));
  assert.deepEqual(writes, ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nhello"]);
  assert.equal(w.keepAlive, true);
});

test("an answer of unknown length is chunked to HTTP/1.1 and delimited by the close to HTTP/1.0", () => {
  const one = recorder();
  const w = writer(one.socket);
  w.start(200, "OK", ["Date", "D"], -1, req(), true);
  w.flushHead();
  w.body(Buffer.from("abc"));
  w.end(Buffer.from("de"));
  assert.deepEqual(one.writes, ["HTTP/1.1 200 OK\r\nDate: D\r\nTransfer-Encoding: chunked\r\n\r\n", "3\r\nabc\r\n", "2\r\nde\r\n0\r\n\r\n"]);
  assert.equal(w.keepAlive, true);

  const old = recorder();
  const w0 = writer(old.socket);
  w0.start(200, "OK", ["Date", "D"], -1, req({ minor: 0 }), true);
  w0.end(Buffer.from("abc"));
  assert.deepEqual(old.writes, ["HTTP/1.1 200 OK\r\nDate: D\r\nConnection: close\r\n\r\nabc"]);
  assert.equal(w0.keepAlive, false);
});

test("keep-alive: as the client asked and the connection allows; HTTP/1.0 is told keep-alive", () => {
  const cases: Array<[Partial<ParsedRequest>, boolean, string, boolean]> = [
    [{ minor: 0, keepAlive: false }, true, "Connection: close\r\n", false],
    [{ minor: 0, keepAlive: true }, true, "Connection: keep-alive\r\n", true],
    [{ keepAlive: false }, true, "Connection: close\r\n", false],
    [{}, false, "Connection: close\r\n", false],
  ];
  for (const [over, mayKeepAlive, line, kept] of cases) {
    const { socket, writes } = recorder();
    const w = writer(socket);
    w.start(204, "No Content", ["Date", "D"], 0, req(over), mayKeepAlive);
    w.end(null);
    assert.equal(writes[0], `HTTP/1.1 204 No Content\r\nDate: D\r\n${line}\r\n`, JSON.stringify(over));
    assert.equal(w.keepAlive, kept);
  }
});

test("the gateway's own answer to HEAD is its head only; to an unreadable request it closes", () => {
  const { socket, writes } = recorder();
  const w = writer(socket);
  assert.equal(w.error(gatewayError("GATEWAY_UNKNOWN_HOST", "no app"), {}, req({ method: "HEAD" }), true), 404);
  assert.match(writes[0]!, /^HTTP\/1\.1 404 Not Found\r\n[^]*Content-Length: \d+\r\n[^]*\r\n\r\n$/);
  assert.equal(w.error(gatewayError("GATEWAY_BAD_REQUEST", "bad"), {}, null, true), 400);
  assert.match(writes[1]!, /\r\nConnection: close\r\n\r\n\{"error":\{"code":"GATEWAY_BAD_REQUEST"/);
  assert.equal(w.keepAlive, false);
});
