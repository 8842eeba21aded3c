import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { bounded, deferred, refusedPort, waitFor } from "./test-servers.js";
import { UpstreamPool, type BodySink, type BodySource, type ResponseSink } from "./upstream-pool.js";

const options = { connectTimeoutMs: 2000, idleTimeoutMs: 4000 };

/** A raw TCP replica: `answer` sees everything read on a connection so far and may write. */
async function rawReplica(answer: (socket: Socket, received: string) => void): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let received = "";
    socket.on("data", (c) => answer(socket, (received += c.toString("latin1"))));
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

interface Outcome {
  status: number;
  body: string;
  error: NodeJS.ErrnoException | null;
}

function collect(): { sink: ResponseSink; done: Promise<Outcome> } {
  const d = deferred<Outcome>();
  const out: Outcome = { status: 0, body: "", error: null };
  const sink: ResponseSink = {
    onHead: (status) => void (out.status = status),
    onBody: (chunk) => ((out.body += chunk.toString()), true),
    onComplete: (tail) => d.resolve({ ...out, body: out.body + (tail?.toString() ?? "") }),
    onFail: (err) => d.resolve({ ...out, error: err }),
    onReadDone: () => {},
    holdsPieces: () => false, // each piece is copied into a string
  };
  return { sink, done: d.promise };
}

/** A request body read from a stream, as the client connection provides one from its socket. */
function sourceOf(stream: PassThrough): BodySource {
  let to: BodySink | null = null;
  const onData = (chunk: Buffer): void => void (to!.bodyData(chunk) || stream.pause());
  const onEnd = (): void => to!.bodyEnd();
  return {
    start(sink) {
      to = sink;
      stream.on("data", onData).on("end", onEnd);
    },
    resume: () => void stream.resume(),
    stop() {
      stream.off("data", onData).off("end", onEnd);
      to = null;
    },
  };
}

const okAnswer = (socket: Socket, received: string): void => {
  const requests = received.split("\r\n\r\n").length - 1;
  if (received.endsWith("\r\n\r\n")) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n${String(requests).padStart(2, "0")}`);
};

test("a connection is reused for the next request once its answer is complete", bounded, async (t) => {
  const replica = await rawReplica(okAnswer);
  const pool = new UpstreamPool("127.0.0.1", replica.port, options);
  t.after(() => (pool.destroy(), replica.server.close()));
  for (const expected of ["01", "02", "03"]) {
    const { sink, done } = collect();
    pool.acquire().send(sink, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", null, false, false);
    assert.equal((await done).body, expected, "each request is the next one on the same connection");
  }
  assert.equal(pool.openCount, 1);
  assert.equal(pool.idleCount, 1);
});

test("a chunked request body is framed on the way, and sent only once the connection is open", bounded, async (t) => {
  let seen = "";
  const replica = await rawReplica((socket, received) => {
    seen = received;
    if (received.endsWith("0\r\n\r\n")) socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  });
  const pool = new UpstreamPool("127.0.0.1", replica.port, options);
  t.after(() => (pool.destroy(), replica.server.close()));
  const body = new PassThrough();
  body.write("abc");
  const { sink, done } = collect();
  pool.acquire().send(sink, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", sourceOf(body), true, false);
  await waitFor(() => seen.includes("abc"), "the first chunk");
  body.end("defgh");
  assert.equal((await done).status, 200);
  assert.equal(seen, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n");
  await waitFor(() => pool.openCount === 0, "the closed connection to be forgotten");
});

test("a refused connect fails with syscall connect; a replica closing before answering is a hang-up", bounded, async (t) => {
  const refused = new UpstreamPool("127.0.0.1", await refusedPort(), options);
  const first = collect();
  refused.acquire().send(first.sink, "GET / HTTP/1.1\r\n\r\n", null, false, false);
  const err = (await first.done).error!;
  assert.equal(err.syscall, "connect");
  assert.equal(err.code, "ECONNREFUSED");

  const replica = await rawReplica((socket) => socket.destroy());
  const pool = new UpstreamPool("127.0.0.1", replica.port, options);
  t.after(() => (pool.destroy(), replica.server.close()));
  const second = collect();
  pool.acquire().send(second.sink, "GET / HTTP/1.1\r\n\r\n", null, false, false);
  const hangup = (await second.done).error!;
  assert.notEqual(hangup.syscall, "connect");
  assert.equal(refused.openCount, 0);
});

test("an idle connection the replica closes leaves the pool; an answer before the body is sent is not reused", bounded, async (t) => {
  const replica = await rawReplica(okAnswer);
  const pool = new UpstreamPool("127.0.0.1", replica.port, options);
  t.after(() => (pool.destroy(), replica.server.close()));
  const { sink, done } = collect();
  pool.acquire().send(sink, "GET / HTTP/1.1\r\n\r\n", null, false, false);
  await done;
  assert.equal(pool.idleCount, 1);
  for (const s of replica.sockets) s.end();
  await waitFor(() => pool.openCount === 0 && pool.idleCount === 0, "the closed idle connection to leave the pool");

  const early = collect();
  const body = new PassThrough();
  pool.acquire().send(early.sink, "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n", sourceOf(body), false, false);
  assert.equal((await early.done).status, 200);
  await waitFor(() => pool.openCount === 0, "the connection with a half-sent body to be closed");
  assert.equal(pool.idleCount, 0);
  body.destroy();
});

test("pieces a sink still holds are not overwritten by the next read; pieces it let go are", bounded, async (t) => {
  // The connection reads into one buffer and reuses it unless the sink still holds a piece read
  // into it (as the gateway does while a piece waits on a full client socket).
  let replicaSocket: Socket | null = null;
  const replica = await rawReplica((socket, received) => {
    replicaSocket = socket;
    if (received.endsWith("\r\n\r\n")) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n");
  });
  const pool = new UpstreamPool("127.0.0.1", replica.port, options);
  t.after(() => (pool.destroy(), replica.server.close()));
  for (const holds of [true, false]) {
    const pieces: Buffer[] = [];
    const done = deferred();
    let headRead = false;
    const sink: ResponseSink = {
      onHead: () => void (headRead = true),
      onBody: (chunk) => (pieces.push(chunk), true), // kept as it is, not copied
      onComplete: (tail) => (tail !== null && pieces.push(tail), done.resolve()),
      onFail: (err) => assert.fail(`the answer failed: ${err.message}`),
      onReadDone: () => {},
      holdsPieces: () => holds,
    };
    pool.acquire().send(sink, "GET / HTTP/1.1\r\n\r\n", null, false, false);
    for (const part of ["aaa", "bbb", "ccc"]) {
      await waitFor(() => headRead, "the answer's head");
      const before = pieces.length;
      replicaSocket!.write(part);
      if (part !== "ccc") await waitFor(() => pieces.length > before, `the piece ${part}`);
    }
    await done.promise;
    const text = pieces.map((p) => p.toString()).join();
    // Let go of, a piece's bytes are those of a later read: the buffer was reused.
    assert.equal(text, holds ? "aaa,bbb,ccc" : "ccc,ccc,ccc");
  }
});
