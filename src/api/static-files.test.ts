import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeApi, type FakeApi } from "./fake-api.js";
import { contentTypeFor } from "./static-files.js";

let api: FakeApi;
let root: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "ebb-static-"));
  const site = join(root, "site");
  mkdirSync(join(site, "assets"), { recursive: true });
  writeFileSync(join(site, "index.html"), "<!doctype html><title>ebb</title>");
  writeFileSync(join(site, "assets", "app.js"), "console.log('ebb')");
  writeFileSync(join(site, "assets", "style.css"), "body{}");
  writeFileSync(join(root, "secret.txt"), "do not serve");
  symlinkSync(join(root, "secret.txt"), join(site, "assets", "link.txt"));
  api = await startFakeApi({ staticDir: site });
});

after(async () => {
  await api.close();
  rmSync(root, { recursive: true, force: true });
});

/** A GET with the path sent exactly as written (fetch would normalize `..` away). */
function rawGet(path: string): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((done, fail) => {
    const req = request(api.url, { path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => done({ status: res.statusCode!, body, type: res.headers["content-type"] }));
    });
    req.on("error", fail).end();
  });
}

test("files are served without a token, with their content type", async () => {
  const js = await fetch(`${api.url}/assets/app.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type")!, /^text\/javascript/);
  assert.equal(await js.text(), "console.log('ebb')");
  const css = await fetch(`${api.url}/assets/style.css`);
  assert.match(css.headers.get("content-type")!, /^text\/css/);
  const index = await fetch(`${api.url}/`);
  assert.match(index.headers.get("content-type")!, /^text\/html/);
  assert.match(await index.text(), /<title>ebb<\/title>/);
});

test("client-side routes fall back to index.html; missing assets are 404", async () => {
  const route = await fetch(`${api.url}/apps/hello`);
  assert.equal(route.status, 200);
  assert.match(await route.text(), /<title>ebb<\/title>/);
  const missing = await fetch(`${api.url}/assets/missing.js`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "API_NOT_FOUND");
});

test("API paths never fall back to the console", async () => {
  const res = await fetch(`${api.url}/api/v1/nothing`, { headers: { authorization: `Bearer ${api.token}` } });
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, "API_NOT_FOUND");
});

test("paths that leave the folder are refused", async () => {
  for (const path of ["/../secret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e/secret.txt", "/assets/link.txt", "/x%00.js"]) {
    const res = await rawGet(path);
    assert.ok(res.status === 400 || res.status === 404, `${path} answered ${res.status}`);
    assert.doesNotMatch(res.body, /do not serve/, path);
    assert.equal(JSON.parse(res.body).error.code, res.status === 400 ? "API_BAD_REQUEST" : "API_NOT_FOUND");
  }
  const encoded = await rawGet("/assets/..%2f..%2fsecret.txt");
  assert.equal(encoded.status, 400);
});

test("HEAD sends the headers only", async () => {
  const res = await fetch(`${api.url}/assets/app.js`, { method: "HEAD" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-length"), String("console.log('ebb')".length));
  assert.equal(await res.text(), "");
});

test("content types for the console's file kinds", () => {
  assert.deepEqual(
    ["a.html", "a.js", "a.css", "a.svg", "a.png", "a.json", "a.woff2", "a.bin"].map(contentTypeFor),
    [
      "text/html; charset=utf-8",
      "text/javascript; charset=utf-8",
      "text/css; charset=utf-8",
      "image/svg+xml",
      "image/png",
      "application/json; charset=utf-8",
      "font/woff2",
      "application/octet-stream",
    ],
  );
});
