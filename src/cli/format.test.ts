import { test } from "node:test";
import assert from "node:assert/strict";
import type { AppView, EbbEvent } from "../api/client.js";
import { appSummary, appsTable, eventLine, eventPhrase, localTime, logLine, table } from "./format.js";

test("local time to the millisecond, from ms or ISO", () => {
  const d = new Date(2025, 0, 2, 3, 4, 5, 6);
  assert.equal(localTime(d.getTime()), "2025-01-02 03:04:05.006");
  assert.equal(localTime(d.toISOString()), "2025-01-02 03:04:05.006");
  assert.equal(localTime("not a time"), "not a time");
});

test("tables pad every column but the last", () => {
  assert.equal(table([["A", "BB", "C"], ["long", "x", "tail"]]), "A     BB  C\nlong  x   tail\n");
});

test("event lines and phrases", () => {
  const e: EbbEvent = { id: 1, app: "hello", type: "RolloutComplete", time: new Date(2025, 0, 1, 9, 0, 0, 5).toISOString(), revision: 2, message: "Revision 2 is serving", data: {} };
  assert.equal(eventLine(e), "2025-01-01 09:00:00.005  hello         RolloutComplete       Revision 2 is serving\n");
  assert.equal(eventPhrase(e), "RolloutComplete: Revision 2 is serving");
  assert.equal(eventPhrase({ type: "ScaledUp", message: "ScaledUp 0->1: wake" }), "ScaledUp 0->1: wake");
  assert.equal(logLine({ kind: "event", ...e }), "2025-01-01 09:00:00.005  --- RolloutComplete: Revision 2 is serving\n");
  const t = new Date(2025, 0, 1, 9, 0, 1, 0).getTime();
  assert.equal(logLine({ kind: "log", time: t, app: "hello", replica: "hello-r2-1", stream: "stdout", text: "hi" }), "2025-01-01 09:00:01.000  hello-r2-1      stdout  hi\n");
});

test("the summary of an app with a request-rate target, no cold start and no conditions", () => {
  const app = {
    name: "rate",
    url: "http://rate.localhost:8080",
    desiredState: "STOPPED",
    spec: { scaling: { replicas: [0, 2], scaledownAfter: 90, metric: { requestRate: 50 } } },
    status: { deploymentStatus: "STOPPED", substate: null, message: "", revision: 4, replicas: { desired: 0, ready: 0, starting: 0, draining: 0 }, lastColdStart: null, lastRequestAt: null },
    conditions: [],
  } as unknown as AppView;
  assert.equal(
    appSummary(app),
    [
      "rate",
      "  status:        STOPPED (revision 4, wanted STOPPED)",
      "  message:       -",
      "  replicas:      0 ready of 0 desired, 0 starting, 0 draining",
      "  scaling:       0-2 replicas, target 50 requests/s per replica, scale down after 1m30s idle",
      "  cold start:    none yet",
      "  last request:  none yet",
      "  url:           http://rate.localhost:8080",
      "",
    ].join("\n"),
  );
});

test("the apps table shows '-' for no substate and replicas as ready/desired and min-max", () => {
  const app = (name: string, substate: string | null, ready: number, desired: number, replicas: [number, number]) =>
    ({
      name,
      url: `http://${name}.localhost:8080`,
      spec: { scaling: { replicas } },
      status: { deploymentStatus: substate ? "ACTIVE" : "STOPPED", substate, replicas: { ready, desired } },
    }) as unknown as AppView;
  assert.equal(
    appsTable([app("stopped-app", null, 0, 0, [0, 1]), app("web", "SCALING_UP", 2, 3, [1, 10])]),
    [
      "NAME         STATUS   SUBSTATE    READY/DESIRED  MIN-MAX  URL",
      "stopped-app  STOPPED  -           0/0            0-1      http://stopped-app.localhost:8080",
      "web          ACTIVE   SCALING_UP  2/3            1-10     http://web.localhost:8080",
      "",
    ].join("\n"),
  );
});
