// Renders docs/performance.md from one run's results: the machine, then one table per part with
// each target next to its figure. The prose around the tables says how each figure is measured;
// only the numbers come from the run.
import { fmtInt, fmtMiB, fmtMs, fmtRatio, mark } from "./stats.mjs";

const fmtKiB = (n) => `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;

export function renderReport(r) {
  const m = r.machine;
  const out = [
    "# Performance",
    "",
    "These figures come from `npm run bench` (bench/run.mjs), which writes this file. Every ratio",
    "compares runs made side by side in that one invocation, on the same machine, taking turns so",
    "that background load falls on both sides alike. Absolute numbers move with the machine and",
    "its load; the ratios are what the targets are about.",
    "",
    `Measured ${m.date} on ${m.cores} cores (${m.model}), ${m.memoryGiB} GiB, Node ${m.node}, nginx ${m.nginx}, wrk ${m.wrk}; the run took ${r.minutes.toFixed(1)} minutes.`,
    "",
  ];
  if (r.gateway) out.push(...gatewaySection(r.gateway));
  if (r.cold) out.push(...coldSection(r.cold));
  if (r.burst) out.push(...burstSection(r.burst));
  if (r.many) out.push(...manySection(r.many));
  out.push(...methodNotes());
  return out.join("\n") + "\n";
}

function gatewaySection(g) {
  const rows = g.table.map((t) => {
    const c = (x) => `${fmtInt(x.rps)} req/s, p50 ${fmtMs(x.p50Ms)}, p99 ${fmtMs(x.p99Ms)}`;
    return `| ${t.workload.label} | ${c(t.direct)} | ${c(t.nginx)} | ${c(t.ebb)} | ${fmtRatio(t.ebbVsNginx)} |`;
  });
  const small = g.table.find((t) => t.workload.key === "small");
  const p99Gap = small.ebb.p99Ms - small.nginx.p99Ms;
  const errors = g.table.reduce((n, t) => n + t.direct.errors + t.nginx.errors + t.ebb.errors, 0);
  const lines = [
    "## Gateway",
    "",
    `wrk, 1 thread, ${g.connections} keep-alive connections, ${g.durationSec} s per run, ${g.rounds} rounds (medians; the ratio is the median of`,
    "the per-round ratios). The same app process (bench/apps/tiny-server.mjs, a replica started by",
    "ebb at `replicas: [1, 1]`) is reached directly, through nginx (bench/nginx/, 1 worker, keep-alive",
    "upstream, no buffering) and through the gateway of a real `ebb serve` (`requiresAuth: false`).",
    "",
    "| workload | direct | nginx | ebb | ebb / nginx |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    `Errors in all runs: ${errors}.`,
    "",
    "| target | figure | |",
    "|---|---|---|",
    `| throughput at least 0.8x nginx's, small answers | ${fmtRatio(small.ebbVsNginx)} | ${mark(small.ebbVsNginx >= 0.8)} |`,
    `| p99 within 1 ms of nginx's, small answers | ${fmtMs(small.ebb.p99Ms)} vs ${fmtMs(small.nginx.p99Ms)} (${p99Gap >= 0 ? "+" : ""}${fmtMs(p99Gap)}) | ${mark(p99Gap <= 1)} |`,
  ];
  if (g.upload) {
    const growth = g.upload.rssPeak - g.upload.rssBefore;
    lines.push(
      `| memory flat during a ${(g.upload.bytes / 2 ** 30).toFixed(2)} GiB streamed upload | ebb's RSS ${fmtMiB(g.upload.rssBefore)} before, ${fmtMiB(g.upload.rssPeak)} at most during it (+${fmtMiB(growth)}); ${(g.upload.bytes / 2 ** 20 / g.upload.seconds).toFixed(0)} MiB/s | ${mark(growth < 64 * 2 ** 20)} |`,
    );
  }
  lines.push("");
  return lines;
}

function coldSection(c) {
  const p = c.phases;
  return [
    "## Cold start",
    "",
    `${c.rounds} rounds, taking turns: a request through ebb to an app at zero (time to the first byte of`,
    "the answer, measured by the client), and the same app spawned directly by the benchmark and",
    "asked every millisecond until it answers (spawn to first response). Before each ebb round the",
    "app is back at zero with its process gone.",
    "",
    "| | median | p90 |",
    "|---|---|---|",
    `| through ebb, from zero | ${fmtMs(c.ebbMedianMs)} | ${fmtMs(c.ebbP90Ms)} |`,
    `| the app's own start | ${fmtMs(c.directMedianMs)} | ${fmtMs(c.directP90Ms)} |`,
    "",
    `ebb's own account of its cold starts (medians of the ColdStart events, ms from the request): process spawned ${p.spawnMs}, listening ${p.listeningMs}, ready ${p.readyMs}, first byte ${p.firstByteMs}.`,
    "",
    "| target | figure | |",
    "|---|---|---|",
    `| cold start at most 1.10x the app's own start | ${fmtRatio(c.ratio)} (median of per-round ratios ${fmtRatio(c.ratioOfRounds)}) | ${mark(c.ratio <= 1.1)} |`,
    "",
  ];
}

function burstSection(b) {
  return [
    "## Burst",
    "",
    `${b.clients} clients at once (wrk, ${b.clients} connections for ${b.durationSec} s) against an app at zero with`,
    `\`metric: { concurrency: ${b.concurrency} }\` and \`replicas: [0, ${b.max}]\`. **Enough replicas** is the count the decider asks`,
    `for under this load, capped by max: ceil(${b.clients} / (${b.concurrency} x 0.7)) = ${Math.ceil(b.clients / (b.concurrency * 0.7))} -> ${b.enough}. Its time runs from the`,
    `start of the burst to the ReplicaReady event of the ${b.enough}th replica.`,
    "",
    "| | figure |",
    "|---|---|",
    `| requests answered | ${fmtInt(b.requests)} (${fmtInt(b.rps)} req/s) |`,
    `| errors (socket errors and non-2xx answers) | ${b.errors} |`,
    `| latency p50 / p99 | ${fmtMs(b.p50Ms)} / ${fmtMs(b.p99Ms)} |`,
    `| first replica ready | ${fmtMs(b.firstReadyMs)} (the app's own start: ${fmtMs(b.appStartMs)}) |`,
    `| ${b.enough} replicas ready | ${fmtMs(b.enoughMs)} |`,
    "",
    "| target | figure | |",
    "|---|---|---|",
    `| zero errors | ${b.errors} | ${mark(b.errors === 0)} |`,
    `| enough replicas within 3 s (plus the app's start) | ${fmtMs(b.enoughMs)} (budget ${fmtMs(3000 + b.appStartMs)}) | ${mark(b.enoughMs <= 3000 + b.appStartMs)} |`,
    "",
  ];
}

function manySection(n) {
  const perApp = (n.liveMany - n.liveOne) / n.idleApps;
  return [
    "## Many apps",
    "",
    `Two servers side by side: one with a single busy app, one with the same busy app plus ${fmtInt(n.idleApps)}`,
    "registered apps at min 0, deployed through the API in batches (each starts one replica at",
    `deploy, then scales to zero; all ${fmtInt(n.idleApps)} were deployed and at zero in ${n.deploySec.toFixed(0)} s). The busy app's`,
    "throughput is measured on both, taking turns, with ebb's CPU time per request (from /proc, over",
    "each run). The autoscaler's tick and telemetry's recording of a second are timed over ten",
    "seconds with every idle app at zero (wall clock; CPU time for the tick), then /metrics is scraped",
    "(its per-app gauges stay for 10 minutes after an app went idle, so every idle app still shows).",
    "The live heap is read after a full garbage collection at the end; the heap in use before it",
    "includes garbage.",
    "",
    "| | 1 app | 1 busy + idle apps |",
    "|---|---|---|",
    `| ebb's RSS | ${fmtMiB(n.rssOne)} | ${fmtMiB(n.rssMany)} |`,
    `| ebb's JS heap in use | ${fmtMiB(n.heapOne)} | ${fmtMiB(n.heapMany)} |`,
    `| ebb's JS heap live (after a full GC) | ${fmtMiB(n.liveOne)} | ${fmtMiB(n.liveMany)} (${fmtInt(perApp)} B per idle app) |`,
    `| busy app, req/s (median) | ${fmtInt(n.rpsOne)} | ${fmtInt(n.rpsMany)} |`,
    `| ebb's CPU per request (median) | ${n.cpuUsOne.toFixed(1)} µs | ${n.cpuUsMany.toFixed(1)} µs |`,
    `| autoscaler tick, median (CPU) | ${fmtMs(n.tickOne.medianMs)} (${fmtMs(n.tickOne.cpuMedianMs)}) | ${fmtMs(n.tickMany.medianMs)} (${fmtMs(n.tickMany.cpuMedianMs)}) |`,
    `| autoscaler tick, max of ten | ${fmtMs(n.tickOne.maxMs)} | ${fmtMs(n.tickMany.maxMs)} |`,
    `| telemetry, recording a second, median (max) | ${fmtMs(n.secondOne.medianMs)} (${fmtMs(n.secondOne.maxMs)}) | ${fmtMs(n.secondMany.medianMs)} (${fmtMs(n.secondMany.maxMs)}) |`,
    `| a /metrics scrape (median of three, client side) | ${fmtMs(n.scrapeOne.ms)}, ${fmtKiB(n.scrapeOne.bytes)} | ${fmtMs(n.scrapeMany.ms)}, ${fmtKiB(n.scrapeMany.bytes)} |`,
    "",
    "| target | figure | |",
    "|---|---|---|",
    `| RSS under 300 MB with ${fmtInt(n.idleApps)} idle apps | ${(n.rssMany / 1e6).toFixed(0)} MB | ${mark(n.rssMany < 300e6)} |`,
    `| busy app's throughput at least 0.95x of the one-app run | ${fmtRatio(n.ratio)} | ${mark(n.ratio >= 0.95)} |`,
    `| autoscaler tick under 10 ms | ${fmtMs(n.tickMany.medianMs)} median, ${fmtMs(n.tickMany.maxMs)} max | ${mark(n.tickMany.medianMs < 10)} |`,
    "",
  ];
}

function methodNotes() {
  return [
    "## What limits the gateway",
    "",
    "See [gateway-performance.md](gateway-performance.md): where the gateway's time goes per request,",
    "measured with profilers next to nginx, and why 0.8x of nginx is at the floor of a proxy built on",
    "Node's sockets here.",
    "",
    "## How to read and reproduce",
    "",
    "- `npm run bench` builds ebb, installs `nginx-light` and `wrk` from Debian if they are missing,",
    "  and runs everything against 127.0.0.1 only. `node bench/run.mjs --quick` is a short smoke run",
    "  (it does not write this file); `--only gateway,cold,burst,many` picks parts.",
    "- **Fairness.** nginx runs one worker and ebb one process, so each proxy has one core at most;",
    "  wrk (one thread) and the app share the machine with it. On 2 cores the three together can",
    "  use more than the machine has, so every figure is a whole-system figure: a proxy that spends",
    "  less CPU per request leaves more to the app and to wrk.",
    "- Latency percentiles are wrk's (`--latency`). Memory is VmRSS from /proc. The many-apps",
    "  servers run `bench/lib/serve-timed.mjs` (with `--expose-gc`, for the live heap), which builds",
    "  ebb with the same `startServer` and configuration as `ebb serve` and only adds timers around",
    "  the autoscaler's tick and telemetry's second.",
    "- Where the memory of many apps goes: `node bench/heap-apps.mjs [--apps N] [--heap]` deploys",
    "  them into one server and prints RSS by kind of mapping, V8's heap, ebb's CPU profile under",
    "  load, and with `--heap` the classes that grew per app between two heap snapshots.",
    "- To see where a proxy's time goes, run `ebb serve` under `node --cpu-prof` while wrk loads it;",
    "  for the kernel's share, `perf record -g -p <pid>`.",
    "",
  ];
}
