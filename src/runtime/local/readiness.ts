/**
 * Readiness of a starting replica: a TCP connect to its port, or an HTTP GET of the spec's
 * readiness path answered 2xx/3xx. Polled fast at first (every 2 ms for 2 s, then 10 ms, then
 * 50 ms after 30 s) because a request may be waiting on this cold start: detection must add at
 * most a few ms to the app's own start time, while a slow starter is not hammered for minutes.
 * Connection refused on 127.0.0.1 answers in microseconds, so a fast poll is cheap.
 *
 * An app told to listen on "localhost" may bind only ::1 (Node resolves "localhost" in the order
 * the system gives, IPv6 first on many hosts): when ebb listens on 127.0.0.1, each try also
 * asks ::1 once 127.0.0.1 refuses, and the replica's endpoint is whichever answered.
 */
import { connect } from "node:net";
import { request } from "node:http";
import type { Clock, Timer } from "../../kit/clock.js";

/** Delay before the next try, from the time since probing began: 2 ms, then 10 ms, then 50 ms. */
export function probeIntervalMs(elapsedMs: number): number {
  if (elapsedMs < 2_000) return 2;
  if (elapsedMs < 30_000) return 10;
  return 50;
}

export interface ProbeTarget {
  host: string;
  port: number;
  /** HTTP path to GET, or null for a TCP connect. */
  path: string | null;
  /** Budget of one try, ms. */
  timeoutMs: number;
}

/** "refused": nothing accepts; "listening": accepts but not ready (HTTP non-2xx/3xx); "ready". */
export type ProbeOutcome = "refused" | "listening" | "ready";

export function probeOnce(target: ProbeTarget): Promise<ProbeOutcome> {
  return target.path === null ? probeTcp(target) : probeHttp(target, target.path);
}

function probeTcp({ host, port, timeoutMs }: ProbeTarget): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: ProbeOutcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done("refused"));
    socket.once("connect", () => done("ready"));
    socket.once("error", () => done("refused"));
  });
}

function probeHttp({ host, port, timeoutMs }: ProbeTarget, path: string): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const done = (outcome: ProbeOutcome): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(outcome);
    };
    // RFC 9112 §9.6: "Connection: close" so each try leaves no idle connection in the app.
    const req = request({ host, port, path, method: "GET", agent: false, headers: { connection: "close", "user-agent": "ebb-readiness" } });
    req.setTimeout(timeoutMs, () => done(connected ? "listening" : "refused"));
    req.once("socket", (socket) => socket.once("connect", () => (connected = true)));
    req.once("response", (res) => {
      res.resume();
      // RFC 9110 §15.3, §15.4: 2xx and 3xx both mean the app answers as intended.
      const status = res.statusCode ?? 0;
      done(status >= 200 && status < 400 ? "ready" : "listening");
    });
    req.once("error", () => done(connected ? "listening" : "refused"));
    req.end();
  });
}

/** The loopback addresses to try for a replica told to listen near `host`. */
export function probeHosts(host: string): string[] {
  return host === "127.0.0.1" ? ["127.0.0.1", "::1"] : [host];
}

/** One try on each host in turn until one is not refused; says which host answered. */
async function probeAny(target: ProbeTarget, hosts: readonly string[]): Promise<{ outcome: ProbeOutcome; host: string }> {
  for (const host of hosts) {
    const outcome = await probeOnce({ ...target, host });
    if (outcome !== "refused") return { outcome, host };
  }
  return { outcome: "refused", host: hosts[0]! };
}

export interface ReadinessProbeOptions extends ProbeTarget {
  clock: Clock;
  /** First time something accepted a connection, with the clock's time. */
  onListening(at: number): void;
  /** The check passed, with the clock's time and the address that answered; probing stops. */
  onReady(at: number, host: string): void;
}

/**
 * Probes until ready or cancelled. The first try starts at once; the next one starts
 * `probeIntervalMs` after the previous one ended, so tries never overlap.
 */
export function startReadinessProbe(opts: ReadinessProbeOptions): { cancel(): void } {
  const { clock } = opts;
  const began = clock.now();
  let cancelled = false;
  let listening = false;
  let timer: Timer | null = null;

  const hosts = probeHosts(opts.host);
  const attempt = async (): Promise<void> => {
    timer = null;
    const { outcome, host } = await probeAny(opts, hosts);
    if (cancelled) return;
    if (outcome !== "refused" && !listening) {
      listening = true;
      opts.onListening(clock.now());
    }
    if (outcome === "ready") {
      cancelled = true;
      opts.onReady(clock.now(), host);
      return;
    }
    timer = clock.setTimeout(() => void attempt(), probeIntervalMs(clock.now() - began));
  };
  void attempt();

  return {
    cancel() {
      cancelled = true;
      timer?.cancel();
    },
  };
}
