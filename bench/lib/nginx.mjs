// nginx as the reference reverse proxy: the configuration in bench/nginx/ filled with a port
// and the app's port, run in the foreground from a temporary prefix, stopped by its pid.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./ebb.mjs";
import { freePort, start, stop, waitFor } from "./proc.mjs";

export const nginxPath = "/usr/sbin/nginx";

export async function startNginx(upstreamPort) {
  const dir = mkdtempSync(join(tmpdir(), "ebb-bench-nginx-"));
  for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, sub));
  const port = await freePort();
  const template = readFileSync(join(root, "bench", "nginx", "nginx.conf.template"), "utf8");
  const conf = template.replaceAll("{{dir}}", dir).replaceAll("{{port}}", String(port)).replaceAll("{{upstreamPort}}", String(upstreamPort));
  writeFileSync(join(dir, "nginx.conf"), conf);
  const child = start(nginxPath, ["-p", dir, "-c", join(dir, "nginx.conf")]);
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${child.tail()}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/`)).ok;
    } catch {
      return false;
    }
  }, "nginx to answer", 10_000);
  const close = async () => {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
  return { port, url: `http://127.0.0.1:${port}`, pid: child.pid, stop: close };
}
