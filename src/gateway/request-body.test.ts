import { test } from "node:test";
import assert from "node:assert/strict";
import { isEbbError } from "../kit/errors.js";
import { BodyDecoder, chunkLineMaxBytes } from "./request-body.js";
import { statusFor } from "./respond.js";

const limits = { maxHeadBytes: 1024, maxHeaderCount: 4 };

/** Decodes `wire` fed in pieces of `size` bytes; returns the content and the offset where the body ended in the last piece. */
function decode(wire: string, length: number, size = wire.length): { content: string; done: boolean; rest: string } {
  const d = new BodyDecoder(limits);
  d.reset(length);
  const bytes = Buffer.from(wire, "latin1");
  let content = "";
  let rest = "";
  const sink = { onContent: (piece: Buffer) => ((content += piece.toString("latin1")), true) };
  for (let at = 0; at < bytes.length; at += size) {
    const piece = bytes.subarray(at, at + size);
    const end = d.push(piece, 0, sink);
    if (d.done) {
      rest = bytes.subarray(at + end).toString("latin1");
      break;
    }
  }
  return { content, done: d.done, rest };
}

function refusal(wire: string): number {
  try {
    decode(wire, -1);
  } catch (err) {
    assert.ok(isEbbError(err));
    return statusFor(err.code);
  }
  assert.fail(`accepted ${JSON.stringify(wire)}`);
}

test("a Content-Length body ends at its length; what follows is the next request's", () => {
  for (let size = 1; size <= 14; size++) {
    const r = decode("hello worldGET", 11, size);
    assert.deepEqual(r, { content: "hello world", done: true, rest: "GET" }, `split ${size}`);
  }
});

test("every split of a chunked body with extensions and trailers decodes to the same content", () => {
  const wire = '5;name=value;q="a \\"b\\""\r\nhello\r\n1\r\n \r\nA ; ext\r\n0123456789\r\n0\r\nX-Sum: 1\r\nX-Two: 2\r\n\r\nNEXT';
  for (let size = 1; size <= wire.length; size++) {
    assert.deepEqual(decode(wire, -1, size), { content: "hello 0123456789", done: true, rest: "NEXT" }, `split ${size}`);
  }
  assert.deepEqual(decode("0\r\n\r\n", -1), { content: "", done: true, rest: "" });
});

test("the reader may pause after any piece and go on from the offset it returned", () => {
  const d = new BodyDecoder(limits);
  d.reset(-1);
  const wire = Buffer.from("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
  const pieces: string[] = [];
  let at = 0;
  while (!d.done) at = d.push(wire, at, { onContent: (p) => (pieces.push(p.toString()), false) });
  assert.deepEqual(pieces, ["abc", "def"]);
  assert.equal(at, wire.length);
});

test("bad chunk sizes, extensions and line ends are 400", () => {
  const bad = [
    "zz\r\n",
    "-1\r\n",
    " 5\r\nhello\r\n0\r\n\r\n",
    "5 5\r\n",
    "0x5\r\n",
    "\r\n",
    "5;\r\n",
    "5;a=\r\n",
    '5;a="x\r\n',
    "5\nhello\r\n",
    "5\r\nhelloXY\r\n0\r\n\r\n",
    "5\r\nhello\n0\r\n\r\n",
    "fffffffffffffffff\r\n",
    "0\r\nbad trailer\r\n\r\n",
    "0\r\nX : 1\r\n\r\n",
  ];
  for (const wire of bad) assert.equal(refusal(wire), 400, JSON.stringify(wire));
});

test("chunk-size lines and trailer sections are bounded", () => {
  assert.equal(refusal(`1;${"x".repeat(chunkLineMaxBytes)}\r\n`), 400);
  const manyTrailers = Array.from({ length: 5 }, (_, i) => `X-${i}: v\r\n`).join("");
  assert.equal(refusal(`0\r\n${manyTrailers}\r\n`), 431);
  assert.equal(refusal(`0\r\nX-Big: ${"v".repeat(1100)}\r\n\r\n`), 431);
});
