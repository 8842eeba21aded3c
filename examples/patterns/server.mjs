// A small app for the scaling patterns: answers after an optional delay (?ms=200) so that load
// builds up in flight, which is what the concurrency target scales on.
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 3000);
const name = process.env.APP_NAME ?? "app";

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/healthz") return res.end("ok\n");
  const delayMs = Math.min(Number(url.searchParams.get("ms") ?? 0) || 0, 60_000);
  setTimeout(() => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ app: name, pid: process.pid, delayMs }) + "\n");
  }, delayMs);
}).listen(port, "127.0.0.1");

process.on("SIGTERM", () => process.exit(0));
