/**
 * Serves the console's built files from one folder. No auth here: the page itself asks for the
 * API token. Paths that do not name a file and have no extension fall back to `index.html`, so
 * the console's client-side routes (`/apps/hello`) load the app shell. A path that would leave
 * the folder, by `..` or through a symlink, is refused.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { EbbError } from "../kit/errors.js";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export function contentTypeFor(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** The file to send for a URL path, or undefined when there is none. Throws on traversal. */
export async function resolveStaticFile(rootDir: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new EbbError("API_BAD_REQUEST", `malformed percent-encoding in path '${urlPath}'`);
  }
  const segments = decoded.split(/[/\\]/);
  if (segments.includes("..") || decoded.includes("\0")) {
    throw new EbbError("API_BAD_REQUEST", "path leaves the console folder", { path: urlPath });
  }
  const root = await realpath(rootDir);
  const candidate = resolve(join(root, ...segments));
  const direct = await regularFile(root, candidate);
  if (direct) return direct;
  if (extname(candidate) !== "") return undefined;
  return regularFile(root, join(root, "index.html"));
}

async function regularFile(root: string, path: string, inDirectory = false): Promise<string | undefined> {
  const real = await realpath(path).catch(() => undefined);
  if (real === undefined) return undefined;
  if (real !== root && !real.startsWith(root + sep)) {
    throw new EbbError("API_BAD_REQUEST", "path leaves the console folder");
  }
  const info = await stat(real);
  if (info.isFile()) return real;
  if (info.isDirectory() && !inDirectory) return regularFile(root, join(real, "index.html"), true);
  return undefined;
}

/** Answers GET/HEAD for a static file; returns false when no file matches (the caller 404s). */
export async function serveStatic(rootDir: string, req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<boolean> {
  const file = await resolveStaticFile(rootDir, urlPath);
  if (!file) return false;
  const info = await stat(file);
  res.writeHead(200, {
    "content-type": contentTypeFor(file),
    "content-length": info.size,
    // index.html must be re-read to pick up new builds; hashed assets could be cached longer.
    "cache-control": file.endsWith(".html") ? "no-cache" : "public, max-age=300",
  });
  if (req.method === "HEAD") {
    res.end();
    return true;
  }
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(file);
    stream.once("error", fail);
    res.once("close", () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
  return true;
}
