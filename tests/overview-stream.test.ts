/**
 * The live overview across the parts: the real telemetry (over fakes of the gateway and the
 * fleet, on a manual clock), the real API server on port 0, real SSE and the typed client. With
 * thousands of idle apps, a second in which one app changes must put only that app on the wire,
 * and the client must still hand out whole overviews.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "../src/api/client.js";
import { FakeControl } from "../src/api/fake-control.js";
import { createApiServer } from "../src/api/server.js";
import { FakeFleet, FakeGateway } from "../src/control/telemetry-fakes.js";
import { Telemetry } from "../src/control/telemetry.js";
import type { Overview, OverviewDelta, OverviewUpdate } from "../src/control/types.js";
import { ManualClock } from "../src/kit/clock.js";
import { silentLogger } from "../src/kit/log.js";
import { createMemoryStore } from "../src/store/memory.js";

const t0 = 1_700_000_000_000;
const apps = 2000;

/** FakeControl with its overview served by the real telemetry. */
class TelemetryControl extends FakeControl {
  constructor(readonly telemetry: Telemetry) {
    super();
  }
  override overview(): Overview {
    return this.telemetry.overview();
  }
  override subscribeOverview(fn: (update: OverviewUpdate) => void): () => void {
    return this.telemetry.subscribeOverview(fn);
  }
}

async function setup() {
  const clock = new ManualClock(t0);
  const gateway = new FakeGateway();
  const fleet = new FakeFleet();
  for (let i = 0; i < apps; i++) {
    gateway.add(`idle-${i}`);
    fleet.set(`idle-${i}`, {});
  }
  const telemetry = new Telemetry({ clock, log: silentLogger, history: createMemoryStore(), gateway, fleet });
  telemetry.start();
  clock.advance(1000); // the first second reads every app, before anyone listens
  const server = createApiServer({ host: "127.0.0.1", port: 0, token: "t" }, { control: new TelemetryControl(telemetry), log: silentLogger, clock });
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  return { clock, gateway, fleet, telemetry, server, url };
}

/** The SSE blocks of a raw stream, one at a time, with their size on the wire. */
function blocksOf(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return async (): Promise<{ event: string; data: string; bytes: number }> => {
    for (;;) {
      const end = text.indexOf("\n\n");
      if (end >= 0) {
        const block = text.slice(0, end + 2);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) return { event, data, bytes: Buffer.byteLength(block) };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended");
      text += decoder.decode(value, { stream: true });
    }
  };
}

test(`overview stream with ${apps} idle apps: a second in which one app changes sends that app only`, async () => {
  const { clock, fleet, telemetry, server, url } = await setup();
  const ac = new AbortController();
  try {
    const res = await fetch(`${url}/api/v1/overview/stream`, { headers: { authorization: "Bearer t" }, signal: ac.signal });
    const next = blocksOf(res);
    const first = await next();
    assert.equal(first.event, "overview");
    assert.equal((JSON.parse(first.data) as Overview).apps.length, apps);

    clock.advance(1000);
    const quiet = await next();
    assert.equal(quiet.event, "overview-delta");
    assert.deepEqual(JSON.parse(quiet.data), { time: t0 + 2000, apps: [], traffic: {}, removed: [] });

    fleet.set("idle-7", { desired: 1, starting: 1 });
    fleet.emit("idle-7", "ScaledUp");
    clock.advance(1000);
    const one = await next();
    const delta = JSON.parse(one.data) as OverviewDelta;
    assert.deepEqual(delta.apps.map((a) => a.name), ["idle-7"]);
    assert.deepEqual(Object.keys(delta.traffic), ["idle-7"]);
    assert.deepEqual(delta.removed, []);
    assert.equal(delta.apps[0]!.status.replicas.starting, 1);
    assert.ok(one.bytes < first.bytes / 500, `a delta of one app is ${one.bytes} B against ${first.bytes} B for the whole overview`);
    assert.equal(telemetry.subscribers, 1);
  } finally {
    ac.abort();
    await server.close();
    telemetry.destroy();
  }
});

test("the client applies the deltas: streamOverview still yields whole overviews", async () => {
  const { clock, fleet, telemetry, server, url } = await setup();
  const ac = new AbortController();
  try {
    const overviews = createClient({ baseUrl: url, token: "t" }).streamOverview(ac.signal)[Symbol.asyncIterator]();
    const first = (await overviews.next()).value as Overview;
    assert.equal(first.apps.length, apps);
    fleet.set("idle-3", { desired: 1, starting: 1 });
    fleet.emit("idle-3", "ScaledUp");
    fleet.remove("idle-4");
    fleet.emit("idle-4", "Deleted");
    clock.advance(1000);
    const second = (await overviews.next()).value as Overview;
    assert.equal(second.time, t0 + 2000);
    assert.equal(second.apps.length, apps - 1);
    assert.equal(second.apps.find((a) => a.name === "idle-3")!.status.replicas.starting, 1);
    assert.equal(second.apps.find((a) => a.name === "idle-4"), undefined);
    assert.equal(second.traffic["idle-4"], undefined);
    assert.deepEqual(second.traffic["idle-3"], { rps: 0, inflight: 0, p50Ms: null, p99Ms: null });
    // What the client holds is what a fresh whole overview says.
    const fresh = telemetry.overview();
    const byName = (o: Overview) => Object.fromEntries(o.apps.map((a) => [a.name, a]));
    assert.deepEqual(byName(second), byName(fresh));
    assert.deepEqual(second.traffic, fresh.traffic);
  } finally {
    ac.abort();
    await server.close();
    telemetry.destroy();
  }
});
