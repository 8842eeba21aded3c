// Counts requests per replica; deployed from app.ts with the TypeScript SDK.
import { createServer } from "node:http";

let served = 0;
createServer((_req, res) => {
  served++;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ app: "counter", pid: process.pid, served }) + "\n");
}).listen(Number(process.env.PORT ?? 3000), "127.0.0.1");

process.on("SIGTERM", () => process.exit(0));
