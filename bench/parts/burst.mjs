// Burst: 500 clients at once (wrk, 500 connections, each sending its next request as soon as
// the previous one is answered) against an app at zero with metric { concurrency: 10 } and
// replicas [0, 20]. Measured: errors (socket errors and non-2xx answers; must be 0), p99
// latency, and the time until enough replicas are ready.
//
// "Enough" is the count the decider asks for under this load, capped by max:
// ceil(500 / (10 x 0.7)) = 72 -> 20. The time is from the start of the burst (wrk started, its
// connections open at once) to the ReplicaReady event of the 20th replica of the burst.
import { startEbb, tinyApp } from "../lib/ebb.mjs";
import { waitFor } from "../lib/proc.mjs";
import { wrk } from "../lib/wrk.mjs";

export async function burstBench({ clients = 500, concurrency = 10, max = 20, durationSec = 15, log = console.log } = {}) {
  const enough = Math.min(max, Math.ceil(clients / (concurrency * 0.7)));
  const ebb = await startEbb();
  try {
    await ebb.deploy([tinyApp("burst", { replicas: [0, max], scaledownAfter: 0, metric: { concurrency } })]);
    await waitFor(async () => {
      const r = (await ebb.app("burst")).status.replicas;
      return r.desired === 0 && r.ready === 0 && r.starting === 0 && r.draining === 0;
    }, "the app to be at zero", 30_000, 25);
    const after = await ebb.lastEventId("burst");
    const startedAt = Date.now();
    const result = await wrk(ebb.gatewayUrl + "/", { connections: clients, durationSec, host: "burst.localhost", timeoutSec: 30 });
    const events = await ebb.events("burst", after);
    const ready = events.filter((e) => e.type === "ReplicaReady").map((e) => Date.parse(e.time) - startedAt).sort((a, b) => a - b);
    const firstStart = events.find((e) => e.type === "ReplicaReady");
    const enoughMs = ready.length >= enough ? ready[enough - 1] : NaN;
    const appStartMs = firstStart?.data?.phases?.readyMs ?? NaN;
    log(`  burst: ${Math.round(result.rps)} req/s, errors ${result.errors}, p99 ${result.p99Ms} ms, ${ready.length} replicas ready, ${enough} by ${enoughMs} ms`);
    return {
      clients,
      concurrency,
      max,
      enough,
      durationSec,
      errors: result.errors,
      requests: result.requests,
      rps: result.rps,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      readyCount: ready.length,
      enoughMs,
      appStartMs,
      firstReadyMs: ready[0] ?? NaN,
    };
  } finally {
    await ebb.stop();
  }
}
