import { test } from "node:test";
import assert from "node:assert/strict";
import { ResponseError, ResponseReader, responseHeadMaxBytes } from "./response-reader.js";

interface Seen {
  head: { status: number; reason: string; raw: string[] } | null;
  body: string;
  completions: number;
  tail: string | null;
}

function reader(bodyless = false): { r: ResponseReader; seen: Seen } {
  const seen: Seen = { head: null, body: "", completions: 0, tail: null };
  const r = new ResponseReader({
    onHead: (status, reason, raw) => (seen.head = { status, reason, raw }),
    onBody: (chunk) => void (seen.body += chunk.toString("latin1")),
    onComplete: (tail) => {
      seen.completions++;
      if (tail !== null) {
        seen.tail = tail.toString("latin1");
        seen.body += seen.tail;
      }
    },
  });
  r.reset(bodyless);
  return { r, seen };
}

/** Feeds `text` in pieces of `size` bytes; returns the bytes reported past the response's end. */
function feed(r: ResponseReader, text: string, size = text.length): number {
  const bytes = Buffer.from(text, "latin1");
  let extra = 0;
  for (let at = 0; at < bytes.length; at += size) extra += r.push(bytes.subarray(at, at + size));
  return extra;
}

test("a Content-Length answer read in one piece is handed on whole: head, then the body as the tail", () => {
  const { r, seen } = reader();
  assert.equal(feed(r, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"), 0);
  assert.deepEqual(seen.head, { status: 200, reason: "OK", raw: ["Content-Type", "text/plain", "Content-Length", "5"] });
  assert.equal(seen.tail, "hello");
  assert.equal(seen.completions, 1);
  assert.ok(r.done && r.keepAlive);
});

test("every split of a chunked answer decodes to the same body, trailers dropped", () => {
  const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (let size = 1; size <= wire.length; size++) {
    const { r, seen } = reader();
    assert.equal(feed(r, wire, size), 0, `split ${size}`);
    assert.equal(seen.body, "hello 0123456789", `split ${size}`);
    assert.equal(seen.completions, 1, `split ${size}`);
    assert.ok(r.keepAlive);
  }
});

test("interim 1xx answers are skipped; HEAD, 204 and 304 answers have no body", () => {
  const interim = reader();
  feed(interim.r, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  assert.equal(interim.seen.head?.status, 200);
  assert.equal(interim.seen.body, "ok");

  const head = reader(true);
  assert.equal(feed(head.r, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), 0);
  assert.equal(head.seen.completions, 1);
  for (const status of [204, 304]) {
    const { r, seen } = reader();
    feed(r, `HTTP/1.1 ${status} X\r\nContent-Length: 0\r\n\r\n`);
    assert.equal(seen.completions, 1);
  }
});

test("without a length the body runs until the replica closes, and the connection is not reused", () => {
  const { r, seen } = reader();
  feed(r, "HTTP/1.1 200 OK\r\n\r\npart one, ");
  feed(r, "part two");
  assert.equal(r.keepAlive, false);
  assert.equal(seen.completions, 0);
  assert.equal(r.end(), true);
  assert.equal(seen.body, "part one, part two");
  assert.equal(seen.completions, 1);
});

test("Connection: close and HTTP/1.0 answers end the connection; bytes past the answer are reported", () => {
  const close = reader();
  feed(close.r, "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n");
  assert.equal(close.r.keepAlive, false);
  const old = reader();
  feed(old.r, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  assert.equal(old.r.keepAlive, false);
  const extra = reader();
  assert.equal(feed(extra.r, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxEXTRA"), 5);
});

test("a cut-short body is reported as not complete", () => {
  const { r, seen } = reader();
  feed(r, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  assert.ok(r.inBody);
  assert.equal(r.end(), false);
  assert.equal(seen.completions, 0);
});

test("malformed answers are refused", () => {
  const bad = [
    "HTTP/2 200 OK\r\n\r\n",
    "HTTP/1.1 2x0 OK\r\n\r\n",
    "HTTP/1.1 101 Switching Protocols\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY",
    "HTTP/1.1 200 OK\r\nX-A: a\nInjected: b\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n",
  ];
  for (const wire of bad) assert.throws(() => feed(reader().r, wire), ResponseError, JSON.stringify(wire));
  const huge = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(responseHeadMaxBytes)}`;
  assert.throws(() => feed(reader().r, huge, 1024), ResponseError);
});

test("the head reports the body's length: known, unknown (-1), or none for HEAD, 204 and 304", () => {
  const lengths: number[] = [];
  const cases: Array<[string, boolean]> = [
    ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false],
    ["HTTP/1.1 200 OK\r\n\r\n", false],
    ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true],
    ["HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false],
  ];
  for (const [wire, bodyless] of cases) {
    const r = new ResponseReader({ onHead: (_s, _r, _raw, bodyLength) => void lengths.push(bodyLength), onBody: () => {}, onComplete: () => {} });
    r.reset(bodyless);
    r.push(Buffer.from(wire, "latin1"));
  }
  assert.deepEqual(lengths, [5, -1, -1, 0, 0]);
});

test("bytes kept between pushes (a head or a chunk-size line cut short) are copied: the caller reuses its buffer", () => {
  const { r, seen } = reader();
  const text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  // One buffer for every read, as the replica's connection does: each push overwrites the last.
  const buf = Buffer.alloc(text.length);
  // Cut in the status line, a field, the chunk-size line, the data, the CRLF after it, the last chunk.
  let at = 0;
  for (const cut of [10, 30, 48, 51, 56, 59, text.length]) {
    const n = buf.write(text.slice(at, cut), 0, "latin1");
    r.push(buf.subarray(0, n));
    buf.fill(0x78); // what a next read would leave there
    at = cut;
  }
  assert.equal(seen.head?.status, 200);
  assert.equal(seen.body, "hello");
  assert.equal(seen.completions, 1);
});
