/**
 * App views for tests of the code that shows them (the overview, `ebb top`, telemetry): a valid
 * AppView of an active app at zero, with whatever status fields a test sets. Not part of the
 * spec folder's surface (index.ts does not export it).
 */
import type { AppStatus, AppSummary, AppView } from "./types.js";

export function testAppView(name: string, status: Partial<AppStatus> = {}): AppView {
  return { ...testAppSummary(name, status), conditions: [] };
}

export function testAppSummary(name: string, status: Partial<AppStatus> = {}): AppSummary {
  return {
    name,
    url: `http://${name}.localhost:8080`,
    spec: {
      name,
      command: ["node", "server.mjs"],
      workdir: "/srv",
      env: {},
      scaling: { replicas: [0, 3], scaledownAfter: 300, metric: { concurrency: 100 } },
      timeouts: { request: 300, startup: 300 },
      readiness: { path: null },
      requiresAuth: false,
      resources: { cpu: 0.25, memory: "256Mi" },
      domains: [],
    },
    specHash: "0000000000000000",
    revision: 1,
    desiredState: "ACTIVE",
    status: {
      deploymentStatus: "ACTIVE",
      substate: null,
      message: "",
      revision: 1,
      replicas: { desired: 0, ready: 0, starting: 0, draining: 0 },
      lastColdStart: null,
      lastRequestAt: null,
      ...status,
    },
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
  };
}
