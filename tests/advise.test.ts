/**
 * From live traffic, end to end: a real server in this process (ports 0, a temp data dir), a
 * real app, bursts of requests through the gateway separated by the app going back to zero.
 * The arrivals API then answers exactly the requests sent, each burst in the seconds it was
 * sent in (give or take the second the autoscaler's collect stamped it in); `ebb sim --from-app`
 * replays the same number of requests; `ebb advise` prints a recommendation with its table.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ArrivalCount } from "../src/api/client.js";
import { adviseCommand } from "../src/cmd/advise.js";
import { simCommand, type SimIo } from "../src/cmd/sim.js";
import { app, slowServer, startEbb, until, type Ebb } from "./integration/harness.js";

function capture(ebb: Ebb) {
  const out = { stdout: "", stderr: "" };
  const io: SimIo = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    cwd: ebb.appsDir,
    env: {},
    client: () => ebb.client,
  };
  return { io, out };
}

const total = (rows: ArrivalCount[]): number => rows.reduce((n, [, c]) => n + c, 0);

/** Per-second counts added between two answers of the arrivals API. */
function added(before: ArrivalCount[], after: ArrivalCount[]): ArrivalCount[] {
  const was = new Map(before);
  return after.filter(([s, c]) => c !== (was.get(s) ?? 0)).map(([s, c]) => [s, c - (was.get(s) ?? 0)]);
}

test("recorded arrivals are the requests sent per second; sim --from-app replays them; advise recommends", async () => {
  const ebb = await startEbb();
  try {
    const dir = ebb.writeApp("bursty", { "server.mjs": slowServer });
    await ebb.client.deploy([app("bursty", dir, { scaling: { replicas: [0, 2], scaledownAfter: 1, metric: { concurrency: 4 } } })]);
    await ebb.waitForEvent("bursty", (e) => e.type === "ScaledToZero");
    const zeros = () => ebb.events("bursty").filter((e) => e.type === "ScaledToZero").length;

    let sent = 0;
    let seen: ArrivalCount[] = [];
    for (const size of [3, 7, 4]) {
      const zerosBefore = zeros();
      const startSec = Math.floor(Date.now() / 1000);
      const answers = await Promise.all(Array.from({ length: size }, () => ebb.fetchApp("bursty", "/?ms=50")));
      const endSec = Math.floor(Date.now() / 1000);
      assert.deepEqual(answers.map((a) => a.status), Array(size).fill(200));
      sent += size;
      // The autoscaler collects every second; a read includes what the recorder has not flushed.
      let now: ArrivalCount[] = [];
      await until(async () => total((now = await ebb.client.arrivals("bursty"))) >= sent, 10_000, `${sent} arrivals recorded`);
      assert.equal(total(now), sent, "exactly the requests sent, no more");
      const burst = added(seen, now);
      assert.equal(total(burst), size);
      for (const [second] of burst) {
        assert.ok(second >= startSec - 1 && second <= endSec + 1, `burst of ${size} sent in ${startSec}..${endSec} recorded at ${second}`);
      }
      seen = now;
      // The gap: the app goes back to zero before the next burst, so each burst is a cold start.
      await until(() => zeros() > zerosBefore, 15_000, "the app back at zero");
    }

    const sim = capture(ebb);
    assert.equal(await simCommand(["--from-app", "bursty", "--since", "1h", "--json"], sim.io), 0, sim.out.stderr);
    const report = JSON.parse(sim.out.stdout) as { requests: number; coldStartWaits: number };
    assert.equal(report.requests, sent);
    assert.ok(report.coldStartWaits >= 1, "the first burst at least finds the app at zero");
    assert.match(sim.out.stderr, /note: 14 recorded requests in \d+ seconds with traffic/);

    const text = capture(ebb);
    assert.equal(await adviseCommand(["bursty", "--since", "1h"], text.io), 0, text.out.stderr);
    assert.match(text.out.stdout, /^traffic +14 requests in \d+ seconds with arrivals/m);
    assert.match(text.out.stdout, /^cold start +\d+ms; the median of [1-9]\d* recorded cold starts/m);
    assert.match(text.out.stdout, /^\*  .*recommended/m, "the recommended row is marked");
    assert.match(text.out.stdout, /^Recommended: scaledownAfter \S+, concurrency \d+: [\d.]+ % of requests wait for a cold start \(\d+ of 14\)/m);

    const json = capture(ebb);
    assert.equal(await adviseCommand(["bursty", "--since", "1h", "--json", "--cold-start-budget", "50%"], json.io), 0);
    const advice = JSON.parse(json.out.stdout) as {
      recommendation: { scaling: { replicas: number[] }; withinBudget: boolean; report: { requests: number; coldStartRate: number } };
      sweep: Array<{ value: { scaledownAfter: number }; report: { requests: number } }>;
      inputs: { requests: number; coldStartBudget: number };
    };
    assert.deepEqual([advice.inputs.requests, advice.inputs.coldStartBudget, advice.recommendation.scaling.replicas], [14, 0.5, [0, 2]]);
    assert.ok(advice.sweep.length >= 27 && advice.sweep.every((r) => r.report.requests === 14));
    assert.ok(advice.recommendation.withinBudget && advice.recommendation.report.coldStartRate <= 0.5);

    await ebb.client.deploy([app("quiet", dir, { scaling: { replicas: [0, 1] } })]);
    const quiet = capture(ebb);
    assert.equal(await adviseCommand(["quiet"], quiet.io), 1);
    assert.match(quiet.out.stderr, /^error: quiet has no recorded traffic since /);
  } finally {
    await ebb.close();
  }
});
