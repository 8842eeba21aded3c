// The smallest ebb app: serve HTTP on $PORT.
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 3000);
const greeting = process.env.GREETING ?? "hello";
const started = new Date().toISOString();

createServer((req, res) => {
  if (req.url === "/healthz") return res.end("ok\n");
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.end(`${greeting} from ${process.env.HOSTNAME ?? "ebb"} (pid ${process.pid}, up since ${started})\n`);
}).listen(port, "127.0.0.1");

process.on("SIGTERM", () => process.exit(0));
