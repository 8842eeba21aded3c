// Many apps: two ebb servers side by side, one with a single busy app, the other with the same
// busy app plus `idleApps` registered apps at min 0 (10,000 by default). Measured on the second
// against the first: RSS, the busy app's throughput (wrk, the two servers taking turns), and the
// autoscaler's tick time (both run serve-timed.mjs, which times each tick).
//
// The idle apps are deployed through the API in batches. Each new app starts one replica at
// deploy (initial scale, to prove it can become ready) and then scales to zero at the next tick
// (scaledownAfter 0), so their command is a small Perl listener that starts in milliseconds, and
// they ask for little CPU and memory so that many fit in the runtime's capacity at once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startEbb, tinyApp } from "../lib/ebb.mjs";
import { rssBytes, sleep, waitFor } from "../lib/proc.mjs";
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

function idleApp(i) {
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
function liveReplicas(ebb) {
  try {
    return JSON.parse(readFileSync(join(ebb.dataDir, "state", "replicas.json"), "utf8")).replicas.length;
  } catch {
    return Infinity;
  }
}

export async function manyAppsBench({ idleApps = 10_000, batch = 250, maxLive = 400, rounds = 3, durationSec = 5, log = console.log } = {}) {
  const one = await startEbb({}, { timed: true });
  const many = await startEbb({}, { timed: true });
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
    const runs = { one: [], many: [] };
    for (const ebb of [one, many]) await wrk(ebb.gatewayUrl + "/", { durationSec: 2, host: "busy.localhost" });
    for (let round = 1; round <= rounds; round++) {
      for (const key of round % 2 ? ["one", "many"] : ["many", "one"]) {
        const ebb = key === "one" ? one : many;
        const r = await wrk(ebb.gatewayUrl + "/", { durationSec, host: "busy.localhost" });
        runs[key].push(r);
        log(`  many apps round ${round} ${key.padEnd(4)} ${Math.round(r.rps)} req/s  p99 ${r.p99Ms} ms`);
      }
    }
    const heap = { one: (await one.probe()).heapUsed, many: (await many.probe()).heapUsed };
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
      tickOne: { medianMs: median(idleTicks.one), maxMs: Math.max(...idleTicks.one), cpuMedianMs: median(idleCpu.one) },
      tickMany: { medianMs: median(idleTicks.many), p90Ms: quantile(idleTicks.many, 0.9), maxMs: Math.max(...idleTicks.many), cpuMedianMs: median(idleCpu.many) },
    };
  } finally {
    await many.stop();
    await one.stop();
  }
}
