/**
 * A real API server on 127.0.0.1, port 0, over a FakeControl: what the API's tests, the client's
 * tests and the CLI's tests talk to. Real sockets, because the HTTP edge is the point of them.
 */
import { silentLogger, type Logger } from "../kit/log.js";
import type { Clock } from "../kit/clock.js";
import { FakeControl, type FakeControlOptions } from "./fake-control.js";
import { createApiServer, type ApiServer, type ApiServerConfig } from "./server.js";

export interface FakeApi {
  control: FakeControl;
  server: ApiServer;
  /** e.g. "http://127.0.0.1:41234". */
  url: string;
  token: string;
  /** fetch with the bearer token set, for raw HTTP checks. */
  call(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface FakeApiOptions {
  control?: FakeControlOptions;
  server?: Partial<ApiServerConfig>;
  metrics?: () => string;
  staticDir?: string;
  clock?: Clock;
  log?: Logger;
}

export async function startFakeApi(opts: FakeApiOptions = {}): Promise<FakeApi> {
  const control = new FakeControl(opts.control);
  const token = opts.server?.token ?? "test-token";
  const server = createApiServer(
    { host: "127.0.0.1", port: 0, ...opts.server, token },
    {
      control,
      log: opts.log ?? silentLogger,
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
      ...(opts.staticDir ? { staticDir: opts.staticDir } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
    },
  );
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  return {
    control,
    server,
    url,
    token,
    call: (path, init = {}) =>
      fetch(url + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } }),
    close: () => server.close(),
  };
}

/** Polls `check` until it holds or `timeoutMs` passes (then throws naming `what`). */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
