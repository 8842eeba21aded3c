// The benchmark's only outside tools: nginx and wrk from Debian (nginx-light, wrk). When either
// is missing they are installed with apt-get (through sudo when not root); nothing else is
// downloaded. Perl (for the many-apps listeners) is part of every Debian system.
import { existsSync } from "node:fs";
import { nginxPath } from "./nginx.mjs";
import { run } from "./proc.mjs";
import { wrkPath } from "./wrk.mjs";

export async function ensureTools(log = console.log) {
  const missing = [];
  if (!existsSync(nginxPath)) missing.push("nginx-light");
  if (!existsSync(wrkPath)) missing.push("wrk");
  if (missing.length === 0) return;
  log(`installing ${missing.join(" and ")} from Debian`);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing]]) {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = await run(cmd, rest, { env });
    if (r.code !== 0) throw new Error(`${[cmd, ...rest].join(" ")} failed: ${r.stderr || r.stdout}`);
  }
  for (const path of [nginxPath, wrkPath]) if (!existsSync(path)) throw new Error(`${path} is still missing after apt-get install`);
}
