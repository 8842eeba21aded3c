// Runs Debian's wrk against one URL and reads its summary: requests per second, latency
// percentiles (`--latency`), and every kind of error it counts.
import { run } from "./proc.mjs";

export const wrkPath = "/usr/bin/wrk";

/**
 * `opts`: connections (default 50), durationSec (5), threads (1), host (Host header),
 * script (a Lua file), timeoutSec (wrk's per-request timeout, default 10).
 */
export async function wrk(url, opts = {}) {
  const args = ["-t", String(opts.threads ?? 1), "-c", String(opts.connections ?? 50), "-d", `${opts.durationSec ?? 5}s`, "--latency", "--timeout", `${opts.timeoutSec ?? 10}s`];
  if (opts.host) args.push("-H", `Host: ${opts.host}`);
  if (opts.script) args.push("-s", opts.script);
  args.push(url);
  const { code, stdout, stderr } = await run(opts.wrk ?? wrkPath, args);
  if (code !== 0) throw new Error(`wrk failed (${code}): ${stderr || stdout}`);
  return parseWrk(stdout);
}

const unitMs = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  return m ? Number(m[1]) * unitMs[m[2]] : NaN;
}

export function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const pct = (p) => duration(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(out)?.[1] ?? "");
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50Ms: pct(50), p99Ms: pct(99), requests, errors: socketErrors + non2xx, socketErrors, non2xx, raw: out };
}
