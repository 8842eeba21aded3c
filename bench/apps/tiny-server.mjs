// The app every benchmark measures: a tiny Node HTTP server on $PORT (127.0.0.1).
//   GET /        a 13-byte text answer
//   GET /64k     a 64 KiB answer (one preallocated buffer)
//   POST /upload reads and discards the body, then answers with the byte count
// It prints nothing and exits on SIGTERM, so it starts and stops as fast as Node can.
import { createServer } from "node:http";

const small = Buffer.from("hello, world\n");
const big = Buffer.alloc(64 * 1024, 0x61);

const server = createServer((req, res) => {
  if (req.method === "POST") {
    let bytes = 0;
    req.on("data", (chunk) => (bytes += chunk.length));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(String(bytes).length + 1) });
      res.end(`${bytes}\n`);
    });
    return;
  }
  const body = req.url === "/64k" ? big : small;
  res.writeHead(200, { "content-type": "text/plain", "content-length": String(body.length) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
