/**
 * A raw TCP client for the gateway's conformance tests: it writes exactly the bytes a test gives
 * (split where the test says, malformed where it wants), keeps every byte the gateway sends back,
 * and reads them as a sequence of HTTP/1.1 answers. Not part of the gateway's surface.
 */
import { connect, type Socket } from "node:net";
import { ResponseReader } from "./response-reader.js";
import { deferred, waitFor } from "./test-servers.js";

export interface RawAnswer {
  status: number;
  /** Field names lower-cased; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export class RawClient {
  received = Buffer.alloc(0);
  ended = false;
  readonly closed: Promise<void>;
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    const closed = deferred();
    this.closed = closed.promise;
    socket.on("data", (c: Buffer) => (this.received = Buffer.concat([this.received, c])));
    socket.on("end", () => (this.ended = true));
    socket.on("close", () => closed.resolve());
    socket.on("error", () => {});
  }

  get text(): string {
    return this.received.toString("latin1");
  }

  /** Writes the pieces one at a time, letting each leave before the next (separate TCP segments). */
  async send(...pieces: Array<string | Buffer>): Promise<void> {
    for (const piece of pieces) {
      await new Promise<void>((resolve) => this.socket.write(typeof piece === "string" ? Buffer.from(piece, "latin1") : piece, () => resolve()));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Waits for `count` complete answers (`bodyless[i]` for the answer to a HEAD request); they are read in order. */
  async answers(count: number, bodyless: boolean[] = []): Promise<RawAnswer[]> {
    let got: RawAnswer[] = [];
    await waitFor(() => (got = parseAnswers(this.received, bodyless, this.ended)).length >= count, `${count} answers (got ${JSON.stringify(this.text.slice(0, 300))})`);
    return got;
  }

  /** Resolves once the gateway closed the connection; fails the test if it does not within the deadline. */
  async waitClosed(): Promise<void> {
    let done = false;
    void this.closed.then(() => (done = true));
    await waitFor(() => done, "the gateway to close the connection");
  }

  close(): void {
    this.socket.destroy();
  }
}

export async function rawConnect(port: number): Promise<RawClient> {
  const socket = connect({ host: "127.0.0.1", port, noDelay: true });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return new RawClient(socket);
}

/** Every complete answer in `bytes`; a close-delimited body counts as complete once `ended`. */
export function parseAnswers(bytes: Buffer, bodyless: boolean[], ended: boolean): RawAnswer[] {
  const out: RawAnswer[] = [];
  let current: RawAnswer | null = null;
  let body: Buffer[] = [];
  const reader = new ResponseReader({
    onHead: (status, _reason, raw) => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!.toLowerCase();
        headers[name] = headers[name] === undefined ? raw[i + 1]! : `${headers[name]}, ${raw[i + 1]}`;
      }
      current = { status, headers, body: "" };
    },
    onBody: (chunk) => void body.push(chunk),
    onComplete: (tail) => {
      if (tail !== null) body.push(tail);
      out.push({ ...current!, body: Buffer.concat(body).toString("latin1") });
      body = [];
    },
  });
  let at = 0;
  while (at < bytes.length) {
    reader.reset(bodyless[out.length] ?? false);
    const extra = reader.push(bytes.subarray(at));
    if (!reader.done) {
      if (ended) reader.end();
      break;
    }
    at = bytes.length - extra;
  }
  return out;
}
