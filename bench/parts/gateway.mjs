// Gateway throughput and latency: wrk against the same app process directly, through nginx
// (bench/nginx/, one worker, keep-alive upstream) and through ebb (a real `ebb serve`, the app
// at replicas [1,1] without auth), for small answers, 64 KiB answers and 1 MiB uploads. The
// three targets take turns within each round, so that background load hits them alike; the
// table holds the medians over the rounds. Then a 1 GiB upload streams through ebb while its
// RSS is sampled, to show that bodies are not buffered.
import { request } from "node:http";
import { join } from "node:path";
import { root, startEbb, tinyApp } from "../lib/ebb.mjs";
import { startNginx } from "../lib/nginx.mjs";
import { rssBytes, sleep, waitFor } from "../lib/proc.mjs";
import { median } from "../lib/stats.mjs";
import { wrk } from "../lib/wrk.mjs";

export const workloads = [
  { key: "small", label: "small answers (13 B)", path: "/" },
  { key: "64k", label: "64 KiB answers", path: "/64k" },
  { key: "upload", label: "1 MiB uploads", path: "/upload", script: join(root, "bench", "wrk", "upload-1mib.lua") },
];
export const targets = ["direct", "nginx", "ebb"];

export async function gatewayBench({ rounds = 3, durationSec = 5, connections = 50, uploadGiB = 1, log = console.log } = {}) {
  const ebb = await startEbb();
  let nginx = null;
  try {
    await ebb.deploy([tinyApp("bench", { replicas: [1, 1] })]);
    await waitFor(async () => (await ebb.app("bench")).status.replicas.ready === 1, "the app to be ready");
    const appPort = await ebb.replicaPort("bench");
    nginx = await startNginx(appPort);
    const urls = { direct: `http://127.0.0.1:${appPort}`, nginx: nginx.url, ebb: ebb.gatewayUrl };
    const runs = {};
    for (const w of workloads) for (const t of targets) runs[`${w.key}/${t}`] = [];
    // Warm-up: JIT and connection pools of every target.
    for (const t of targets) await wrk(urls[t] + "/", { connections, durationSec: 2, host: "bench.localhost" });
    for (let round = 1; round <= rounds; round++) {
      for (const w of workloads) {
        const order = round % 2 ? targets : [...targets].reverse();
        for (const t of order) {
          const r = await wrk(urls[t] + w.path, { connections, durationSec, host: "bench.localhost", script: w.script });
          runs[`${w.key}/${t}`].push(r);
          log(`  gateway round ${round} ${w.key.padEnd(6)} ${t.padEnd(6)} ${Math.round(r.rps)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  errors ${r.errors}`);
        }
      }
    }
    const table = workloads.map((w) => {
      const cell = (t) => {
        const rs = runs[`${w.key}/${t}`];
        return { rps: median(rs.map((r) => r.rps)), p50Ms: median(rs.map((r) => r.p50Ms)), p99Ms: median(rs.map((r) => r.p99Ms)), errors: rs.reduce((a, r) => a + r.errors, 0) };
      };
      // Ratios per round (the targets ran side by side), then the median of those.
      const ratio = median(runs[`${w.key}/ebb`].map((r, i) => r.rps / runs[`${w.key}/nginx`][i].rps));
      return { workload: w, direct: cell("direct"), nginx: cell("nginx"), ebb: cell("ebb"), ebbVsNginx: ratio };
    });
    const upload = uploadGiB > 0 ? await streamedUpload(ebb, uploadGiB, log) : null;
    return { table, upload, rounds, durationSec, connections };
  } finally {
    await nginx?.stop();
    await ebb.stop();
  }
}

/** Streams `gib` GiB to the app through ebb, sampling ebb's RSS every 50 ms. */
async function streamedUpload(ebb, gib, log) {
  const total = gib * 1024 ** 3;
  const block = Buffer.alloc(256 * 1024, 0x62);
  await sleep(500);
  const before = rssBytes(ebb.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(ebb.pid) ?? 0)), 50);
  const t0 = performance.now();
  const answer = await new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: ebb.gatewayPort, method: "POST", path: "/upload", headers: { host: "bench.localhost", "content-length": String(total) } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve(text.trim()));
    });
    req.on("error", reject);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += block.length;
        if (!req.write(block)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  if (Number(answer) !== total) throw new Error(`the app received ${answer} bytes of ${total}`);
  log(`  1 GiB upload through ebb: ${seconds.toFixed(1)} s, RSS ${Math.round(before / 2 ** 20)} -> peak ${Math.round(peak / 2 ** 20)} MiB`);
  return { bytes: total, seconds, rssBefore: before, rssPeak: peak };
}
