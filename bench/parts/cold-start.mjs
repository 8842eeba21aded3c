// Cold start: the time from sending a request through ebb to an app at zero until the first
// byte of its answer, against the same app's own spawn-to-first-response when started directly
// by this script (spawn, then ask every millisecond until it answers). The two take turns, 20
// rounds each; between ebb rounds the app goes back to zero (scaledownAfter 0: idle for zero
// seconds, so the next tick scales it down) and the bench waits for its ScaledToZero event and
// for the replica to be gone, so every ebb round is a real start of a new process.
import { request } from "node:http";
import { join } from "node:path";
import { root, startEbb, tinyApp } from "../lib/ebb.mjs";
import { freePort, start, stop, waitFor } from "../lib/proc.mjs";
import { median, quantile } from "../lib/stats.mjs";

const appScript = join(root, "bench", "apps", "tiny-server.mjs");

/** Sends GET / and resolves with the ms from `t0` until the response head arrived; rejects on error. */
function firstByte(port, host, t0) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", headers: { host }, agent: false }, (res) => {
      const ms = performance.now() - t0;
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(ms) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Spawns the app directly and asks it every ms until it answers: spawn-to-first-response. */
async function directStart() {
  const port = await freePort();
  const t0 = performance.now();
  const child = start(process.execPath, [appScript], { spawn: { env: { ...process.env, PORT: String(port) } } });
  try {
    for (;;) {
      try {
        return await firstByte(port, "direct", t0);
      } catch {
        if (performance.now() - t0 > 10_000) throw new Error(`the app did not answer: ${child.tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  } finally {
    await stop(child);
  }
}

export async function coldStartBench({ rounds = 20, log = console.log } = {}) {
  const ebb = await startEbb();
  try {
    await ebb.deploy([tinyApp("cold", { replicas: [0, 1], scaledownAfter: 0 })]);
    const direct = [];
    const viaEbb = [];
    const phases = [];
    for (let round = 0; round < rounds; round++) {
      await toZero(ebb);
      const after = await ebb.lastEventId("cold");
      const t0 = performance.now();
      const ms = await firstByte(ebb.gatewayPort, "cold.localhost", t0);
      viaEbb.push(ms);
      const cold = await ebb.waitEvent("cold", "ColdStart", after, 10_000).catch(() => null);
      if (cold) phases.push(cold.data.phases);
      direct.push(await directStart());
      log(`  cold start round ${round + 1}: ebb ${ms.toFixed(1)} ms, direct ${direct.at(-1).toFixed(1)} ms`);
    }
    const ratios = viaEbb.map((ms, i) => ms / direct[i]);
    const phase = (k) => median(phases.map((p) => p[k]));
    return {
      rounds,
      ebbMedianMs: median(viaEbb),
      ebbP90Ms: quantile(viaEbb, 0.9),
      directMedianMs: median(direct),
      directP90Ms: quantile(direct, 0.9),
      ratio: median(viaEbb) / median(direct),
      ratioOfRounds: median(ratios),
      phases: { spawnMs: phase("spawnMs"), listeningMs: phase("listeningMs"), readyMs: phase("readyMs"), firstByteMs: phase("firstByteMs") },
    };
  } finally {
    await ebb.stop();
  }
}

/** Waits until the app has no replica at all (scaled to zero and its process gone). */
async function toZero(ebb) {
  await waitFor(async () => {
    const r = (await ebb.app("cold")).status.replicas;
    return r.desired === 0 && r.ready === 0 && r.starting === 0 && r.draining === 0;
  }, "the app to be at zero", 30_000, 25);
}
