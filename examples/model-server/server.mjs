// A model-server-like app: it listens at once but takes LOAD_SECONDS to "load weights" (its
// readiness check answers 503 until then), and streams generated tokens as server-sent events.
//   curl -N "http://model-server.localhost:8080/v1/completions?prompt=hello&max_tokens=20"
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 3000);
const loadMs = Number(process.env.LOAD_SECONDS ?? 3) * 1000;
const tokenMs = Number(process.env.TOKEN_MS ?? 40);
const words = "the quick brown fox jumps over a lazy dog while ebb scales the model up and down".split(" ");
let ready = false;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/healthz") {
    res.statusCode = ready ? 200 : 503;
    return res.end(ready ? "ready\n" : "loading weights\n");
  }
  if (url.pathname !== "/v1/completions") {
    res.statusCode = 404;
    return res.end("try /v1/completions?prompt=hi&max_tokens=20\n");
  }
  if (!ready) {
    res.statusCode = 503;
    return res.end("loading weights\n");
  }
  readBody(req).then((body) => {
    const params = { ...Object.fromEntries(url.searchParams), ...body };
    const maxTokens = Math.min(Number(params.max_tokens ?? 16) || 16, 2048);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    let i = 0;
    const timer = setInterval(() => {
      if (i >= maxTokens) {
        clearInterval(timer);
        res.end("data: [DONE]\n\n");
        return;
      }
      res.write(`data: ${JSON.stringify({ index: i, token: words[(i + String(params.prompt ?? "").length) % words.length] })}\n\n`);
      i++;
    }, tokenMs);
    res.on("close", () => clearInterval(timer));
  });
});

function readBody(req) {
  return new Promise((resolve) => {
    if (req.method !== "POST") return resolve({});
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (text = (text + c).slice(0, 1 << 20)));
    req.on("end", () => {
      try {
        resolve(JSON.parse(text || "{}"));
      } catch {
        resolve({});
      }
    });
  });
}

server.listen(port, "127.0.0.1", () => {
  console.log(`listening on ${port}; loading weights for ${loadMs} ms`);
  setTimeout(() => {
    ready = true;
    console.log("weights loaded; ready");
  }, loadMs);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
