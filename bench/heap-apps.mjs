#!/usr/bin/env node
// Where the memory and the time of many registered apps go. Starts the timed harness
// (bench/lib/serve-timed.mjs) under --expose-gc with the busy app only and measures it; deploys
// `--apps` idle apps the way the many-apps part does (each starts one replica, then scales to
// zero), waits `--settle` seconds with all of them at zero, and measures again. Each measurement:
// resident memory by kind of mapping (/proc smaps), V8's heap, the busy app's throughput (wrk)
// with a CPU profile of ebb during it. With `--heap`, a heap snapshot after each (they inflate
// RSS afterwards, so RSS figures are only read before them) and the classes that grew per app.
// Files go to `--out` (a temp dir by default) and are kept for DevTools. Loopback only.
//   node bench/heap-apps.mjs [--apps 10000] [--settle 10] [--heap] [--top 40] [--out DIR]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { performance } from "node:perf_hooks";
import { join } from "node:path";
import { startEbb, tinyApp } from "./lib/ebb.mjs";
import { diffClasses, summarize, summarizeProfile } from "./lib/profiles.mjs";
import { rssByKind, rssBytes, sleep, stopAllSync, waitFor } from "./lib/proc.mjs";
import { wrk } from "./lib/wrk.mjs";
import { idleApp, liveReplicas } from "./parts/many-apps.mjs";

const args = process.argv.slice(2);
const value = (flag, fallback) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : fallback;
};
const apps = Number(value("--apps", 10_000));
const settleSec = Number(value("--settle", 10));
const top = Number(value("--top", 40));
const withHeap = args.includes("--heap");
const out = value("--out", mkdtempSync(join(tmpdir(), "ebb-heap-")));
process.on("exit", stopAllSync);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const ask = (ebb, msg) =>
  new Promise((resolve) => {
    ebb.child.once("message", resolve);
    ebb.child.send(msg);
  });
const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;

async function measure(ebb, label) {
  const probe = await ask(ebb, { type: "probe" });
  const kinds = rssByKind(ebb.pid);
  console.log(`${label}: RSS ${mib(rssBytes(ebb.pid))} (malloc brk ${mib(kinds.brk)}, anonymous ${mib(kinds.anon)}, files ${mib(kinds.file)}); JS heap in use ${mib(probe.heapUsed)}`);
  const profiling = ask(ebb, { type: "profile", ms: 5000, path: join(out, `${label}.cpuprofile`) });
  const run = await wrk(ebb.gatewayUrl + "/", { durationSec: 5, host: "busy.localhost" });
  const profile = summarizeProfile((await profiling).path);
  console.log(`${label}: busy app ${Math.round(run.rps)} req/s, p99 ${run.p99Ms} ms; ebb's CPU profile: ${profile.rows.slice(0, 8).map((r) => `${r.fn} ${(r.share * 100).toFixed(1)}%`).join(", ")}`);
  const ticks = probe.ticks.slice(-10).sort((a, b) => a - b);
  const seconds = probe.seconds.slice(-10).sort((a, b) => a - b);
  console.log(`${label}: autoscaler tick median ${ticks[5]?.toFixed(2)} ms, max ${ticks.at(-1)?.toFixed(2)} ms; telemetry's second median ${seconds[5]?.toFixed(2)} ms, max ${seconds.at(-1)?.toFixed(2)} ms`);
  const scrapes = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const res = await fetch(`${ebb.api}/metrics`, { headers: { authorization: `Bearer ${ebb.token}` } });
    bytes = (await res.text()).length;
    scrapes.push(performance.now() - t0);
  }
  console.log(`${label}: /metrics scrape median ${scrapes.sort((a, b) => a - b)[2].toFixed(1)} ms (client side), ${(bytes / 1024).toFixed(1)} KiB`);
  if (!withHeap) return null;
  const snap = await ask(ebb, { type: "heap", path: join(out, `${label}.heapsnapshot`) });
  console.log(`${label}: after a full GC heap ${mib(snap.heapUsed)} of ${mib(snap.heapTotal)} (${snap.path})`);
  return snap;
}

const ebb = await startEbb({}, { timed: true, nodeArgs: ["--expose-gc"] });
try {
  await ebb.deploy([tinyApp("busy", { replicas: [1, 1] })]);
  await wrk(ebb.gatewayUrl + "/", { durationSec: 2, host: "busy.localhost" });
  await sleep(settleSec * 1000);
  const base = await measure(ebb, "one");
  const t0 = Date.now();
  for (let first = 1; first <= apps; first += 250) {
    await waitFor(() => liveReplicas(ebb) < 400, "first replicas to go", 120_000, 50);
    const batch = [];
    for (let i = first; i < Math.min(first + 250, apps + 1); i++) batch.push(idleApp(i));
    await ebb.deploy(batch);
  }
  await waitFor(() => liveReplicas(ebb) === 1, "every idle app to be at zero", 300_000, 200);
  console.log(`${apps} apps deployed and at zero in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await sleep(settleSec * 1000);
  const big = await measure(ebb, "many");
  if (base && big) {
    console.log(`per app: ${((big.heapUsed - base.heapUsed) / apps).toFixed(0)} B of heap`);
    const a = summarize(base.path);
    const b = summarize(big.path);
    console.log("class                                              count/app  self B/app  retained B/app");
    for (const r of diffClasses(a, b).slice(0, top)) {
      console.log(`${r.cls.slice(0, 50).padEnd(50)} ${(r.count / apps).toFixed(2).padStart(10)} ${(r.selfBytes / apps).toFixed(0).padStart(11)} ${(r.retainedBytes / apps).toFixed(0).padStart(15)}`);
    }
    console.log("\nowner (nearest named dominator)                    self B/app");
    for (const r of diffClasses(a, b, "owners").slice(0, top)) console.log(`${r.cls.slice(0, 50).padEnd(50)} ${(r.selfBytes / apps).toFixed(0).padStart(11)}`);
  }
} finally {
  await ebb.stop();
}
