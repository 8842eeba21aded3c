/**
 * For the tests of `ebb sim --from-app` and `ebb advise`: a fake API with one app, "web"
 * (`[0, 2]`, scaledownAfter 60 s, concurrency 4, created a day before `now`), and a way to run a
 * sim-style command in-process against it, capturing what it prints.
 */
import { createClient } from "../api/client.js";
import { startFakeApi, type FakeApi } from "../api/fake-api.js";
import type { SimIo } from "./sim-flags.js";

export async function startWebApi(now: number): Promise<FakeApi> {
  const api = await startFakeApi({ control: { now: () => now } });
  await api.control.deploy([{ name: "web", command: ["node", "s.js"], scaling: { replicas: [0, 2], scaledownAfter: 60, metric: { concurrency: 4 } } }]);
  api.control.getApp("web").createdAt = new Date(now - 86_400_000).toISOString();
  return api;
}

export async function runSimStyle(
  command: (argv: string[], io: SimIo) => Promise<number>,
  argv: string[],
  api: FakeApi,
  now: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const io: SimIo = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    cwd: "/",
    env: {},
    client: () => createClient({ baseUrl: api.url, token: api.token }),
    now: () => now,
  };
  return { code: await command(argv, io), ...out };
}
