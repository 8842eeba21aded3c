#!/usr/bin/env node
// What the live overview stream (GET /api/v1/overview/stream) costs on the wire with many idle
// apps and one busy app. Starts a real `ebb serve` (bench/lib/ebb.mjs), deploys the busy app and
// `--apps` idle apps the way the many-apps part does (each starts one replica, then scales to
// zero), sends the busy app a steady trickle of requests, and reads the stream for `--seconds`:
// the first event (a whole overview: what the stream sent every second before it sent deltas)
// and then the bytes per second that follow. Loopback only; not part of `npm run bench`.
//   node bench/overview-bytes.mjs [--apps 10000] [--seconds 30] [--rps 20]
import http from "node:http";
import { startEbb, tinyApp } from "./lib/ebb.mjs";
import { sleep, stopAllSync, waitFor } from "./lib/proc.mjs";
import { median } from "./lib/stats.mjs";
import { idleApp, liveReplicas } from "./parts/many-apps.mjs";

const args = process.argv.slice(2);
const value = (flag, fallback) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const apps = value("--apps", 10_000);
const seconds = value("--seconds", 30);
const rps = value("--rps", 20);
process.on("exit", stopAllSync);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** One GET to the busy app through the gateway (Host picks the app). */
function hit(ebb) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port: ebb.gatewayPort, path: "/", headers: { host: "busy.localhost" } }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    req.on("error", resolve);
  });
}

const ebb = await startEbb({});
try {
  await ebb.deploy([tinyApp("busy", { replicas: [1, 1] })]);
  const t0 = Date.now();
  for (let first = 1; first <= apps; first += 250) {
    await waitFor(() => liveReplicas(ebb) < 400, "first replicas to go", 120_000, 50);
    const batch = [];
    for (let i = first; i < Math.min(first + 250, apps + 1); i++) batch.push(idleApp(i));
    // A deploy is idempotent: a batch whose answer was lost (a reset under load) is sent again.
    for (let attempt = 1; ; attempt++) {
      try {
        await ebb.deploy(batch);
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        console.log(`deploying apps ${first}..: ${err.message.split(";")[0]}; again`);
        await sleep(2000);
      }
    }
    if (first % 2000 === 1) console.log(`${first + batch.length - 1} idle apps deployed, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  await waitFor(() => liveReplicas(ebb) === 1, "every idle app to be at zero", 300_000, 200);
  console.log(`${apps} idle apps deployed and at zero in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  await sleep(12_000); // past the 10 s traffic window of the deploys' own requests

  let loading = true;
  const load = (async () => {
    while (loading) {
      await Promise.all([hit(ebb), sleep(1000 / rps)]);
    }
  })();
  await sleep(2000);

  const ac = new AbortController();
  const res = await fetch(`${ebb.api}/api/v1/overview/stream`, { headers: { authorization: `Bearer ${ebb.token}` }, signal: ac.signal });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events = []; // { event, bytes, at }
  const reading = (async () => {
    for (;;) {
      const { value: chunk, done } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
      text += decoder.decode(chunk, { stream: true });
      for (let end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n")) {
        const block = text.slice(0, end + 2);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, bytes: Buffer.byteLength(block), at: Date.now() });
      }
    }
  })();
  await waitFor(() => events.length > 0, "the first overview", 30_000, 20);
  const start = Date.now();
  await sleep(seconds * 1000);
  ac.abort();
  await reading;
  loading = false;
  await load;

  const whole = events[0];
  const after = events.slice(1).filter((e) => e.at <= start + seconds * 1000);
  const perEvent = after.map((e) => e.bytes);
  const total = perEvent.reduce((a, b) => a + b, 0);
  const kinds = [...new Set(after.map((e) => e.event))].join(", ");
  console.log(`first event: ${whole.event}, ${kib(whole.bytes)} (${apps + 1} apps): the stream's cost per second when it sent whole overviews`);
  console.log(`then ${after.length} events (${kinds}) in ${seconds} s: ${(total / seconds).toFixed(0)} B/s; per event median ${median(perEvent)} B, max ${Math.max(...perEvent)} B`);
  const one = await fetch(`${ebb.api}/api/v1/overview`, { headers: { authorization: `Bearer ${ebb.token}` } });
  console.log(`GET /api/v1/overview: ${kib(Buffer.byteLength(await one.text()))}`);
} finally {
  await ebb.stop();
}
