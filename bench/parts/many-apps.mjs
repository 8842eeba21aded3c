// Many apps: two ebb servers side by side, one with a single busy app, the other with the same
// busy app plus `idleApps` registered apps at min 0 (10,000 by default). Measured on the second
// against the first: RSS, the JS heap (in use, and live after a full GC), the busy app's
// throughput and ebb's CPU time per request (wrk, the two servers taking turns), the
// autoscaler's tick time and telemetry's time to record a second (both run serve-timed.mjs,
// which times them), and a /metrics scrape.
//
// The idle apps are deployed through the API in batches. Each new app starts one replica at
// deploy (initial scale, to prove it can become ready) and then scales to zero at the next tick
// (scaledownAfter 0), so their command is a small Perl listener that starts in milliseconds, and
// they ask for little CPU and memory so that many fit in the runtime's capacity at once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startEbb, tinyApp } from "../lib/ebb.mjs";
import { cpuSeconds, rssBytes, sleep, waitFor } from "../lib/proc.mjs";
import { median, quantile } from "../lib/stats.mjs";
import { wrk } from "../lib/wrk.mjs";

/** Answers any connection with a fixed 200 and closes it; SIGPIPE ignored so a bare TCP probe is harmless. */
const perlListener = [
  "perl",
  "-MIO::Socket::INET",
  "-e",
  '$SIG{PIPE} = "IGNORE"; my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ENV{PORT}, Listen => 64, ReuseAddr => 1) or die "listen: $!\\n"; ' +
    'while (my $c = $s->accept) { $c->recv(my $b, 4096); print $c "HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\nConnection: close\\r\\n\\r\\nok\\n"; close $c }',
];

export function idleApp(i) {
  return {
    name: `idle-${String(i).padStart(5, "0")}`,
    command: perlListener,
    workdir: "/",
    requiresAuth: false,
    scaling: { replicas: [0, 1], scaledownAfter: 0 },
    resources: { cpu: 0.01, memory: "16Mi" },
  };
}

/** Replicas alive under a server now, from its process registry. */
export function liveReplicas(ebb) {
  try {
    return JSON.parse(readFileSync(join(ebb.dataDir, "state", "replicas.json"), "utf8")).replicas.length;
  } catch {
    return Infinity;
  }
}

/** Three scrapes of /metrics: the median time to the whole answer (client side), ms, and its size. */
async function scrapeMetrics(ebb) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const res = await fetch(`${ebb.api}/metrics`, { headers: { authorization: `Bearer ${ebb.token}` } });
    bytes = Buffer.byteLength(await res.text());
    times.push(performance.now() - t0);
  }
  return { ms: median(times), bytes };
}

export async function manyAppsBench({ idleApps = 10_000, batch = 250, maxLive = 400, rounds = 3, durationSec = 5, log = console.log } = {}) {
  const one = await startEbb({}, { timed: true, nodeArgs: ["--expose-gc"] });
  const many = await startEbb({}, { timed: true, nodeArgs: ["--expose-gc"] });
  try {
    for (const ebb of [one, many]) await ebb.deploy([tinyApp("busy", { replicas: [1, 1] })]);
    const t0 = Date.now();
    for (let first = 1; first <= idleApps; first += batch) {
      await waitFor(() => liveReplicas(many) < maxLive, "idle apps' first replicas to go", 120_000, 50);
      const apps = [];
      for (let i = first; i < Math.min(first + batch, idleApps + 1); i++) apps.push(idleApp(i));
      await many.deploy(apps);
      if ((first - 1) % 2000 === 0) log(`  many apps: ${first - 1 + apps.length} deployed, ${liveReplicas(many)} replicas alive, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    await waitFor(() => liveReplicas(many) === 1, "every idle app to be at zero", 300_000, 200);
    const deploySec = (Date.now() - t0) / 1000;
    log(`  many apps: ${idleApps} apps deployed and at zero in ${deploySec.toFixed(0)} s`);
    await sleep(10_000); // ten ticks with every idle app at zero and no traffic
    const probes = { one: await one.probe(), many: await many.probe() };
    const idleTicks = { one: probes.one.ticks.slice(-10), many: probes.many.ticks.slice(-10) };
    const idleCpu = { one: probes.one.tickCpu.slice(-10), many: probes.many.tickCpu.slice(-10) };
    const idleSeconds = { one: probes.one.seconds.slice(-10), many: probes.many.seconds.slice(-10) };
    const scrape = { one: await scrapeMetrics(one), many: await scrapeMetrics(many) };
    const runs = { one: [], many: [] };
    const cpuPerRequest = { one: [], many: [] };
    for (const ebb of [one, many]) await wrk(ebb.gatewayUrl + "/", { durationSec: 2, host: "busy.localhost" });
    for (let round = 1; round <= rounds; round++) {
      for (const key of round % 2 ? ["one", "many"] : ["many", "one"]) {
        const ebb = key === "one" ? one : many;
        const cpu0 = cpuSeconds(ebb.pid);
        const r = await wrk(ebb.gatewayUrl + "/", { durationSec, host: "busy.localhost" });
        const usPerRequest = ((cpuSeconds(ebb.pid) - cpu0) * 1e6) / r.requests;
        runs[key].push(r);
        cpuPerRequest[key].push(usPerRequest);
        log(`  many apps round ${round} ${key.padEnd(4)} ${Math.round(r.rps)} req/s  p99 ${r.p99Ms} ms  ebb CPU ${usPerRequest.toFixed(1)} us/request`);
      }
    }
    const heap = { one: (await one.probe()).heapUsed, many: (await many.probe()).heapUsed };
    const live = { one: (await one.ask({ type: "gc" })).heapUsed, many: (await many.ask({ type: "gc" })).heapUsed };
    return {
      idleApps,
      deploySec,
      rssOne: rssBytes(one.pid),
      rssMany: rssBytes(many.pid),
      rpsOne: median(runs.one.map((r) => r.rps)),
      rpsMany: median(runs.many.map((r) => r.rps)),
      ratio: median(runs.many.map((r, i) => r.rps / runs.one[i].rps)),
      heapOne: heap.one,
      heapMany: heap.many,
      liveOne: live.one,
      liveMany: live.many,
      cpuUsOne: median(cpuPerRequest.one),
      cpuUsMany: median(cpuPerRequest.many),
      scrapeOne: scrape.one,
      scrapeMany: scrape.many,
      secondOne: { medianMs: median(idleSeconds.one), maxMs: Math.max(...idleSeconds.one) },
      secondMany: { medianMs: median(idleSeconds.many), maxMs: Math.max(...idleSeconds.many) },
      tickOne: { medianMs: median(idleTicks.one), maxMs: Math.max(...idleTicks.one), cpuMedianMs: median(idleCpu.one) },
      tickMany: { medianMs: median(idleTicks.many), p90Ms: quantile(idleTicks.many, 0.9), maxMs: Math.max(...idleTicks.many), cpuMedianMs: median(idleCpu.many) },
    };
  } finally {
    await many.stop();
    await one.stop();
  }
}
