import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isEbbError } from "../api/client.js";
import { loadManifest } from "./manifest.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "ebb-manifest-"));
  mkdirSync(join(dir, "sub"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const unreadable = (pattern: RegExp) => (err: unknown) => {
  assert.ok(isEbbError(err, "MANIFEST_UNREADABLE"), String(err));
  assert.match(err.message, pattern);
  return true;
};

test("a single YAML document is one app, with workdir defaulting to the file's folder", async () => {
  write("sub/one.yaml", "name: hello\ncommand: [node, server.mjs]\n");
  const loaded = await loadManifest("sub/one.yaml", dir);
  assert.equal(loaded.file, "sub/one.yaml");
  assert.deepEqual(loaded.apps, [{ name: "hello", command: ["node", "server.mjs"], workdir: join(dir, "sub") }]);
});

test("multi-document YAML and an apps: list; a relative workdir is resolved against the file", async () => {
  write("multi.yml", "name: a\ncommand: [x]\n---\n# empty documents are skipped\n---\nname: b\ncommand: [y]\nworkdir: sub\n");
  const multi = await loadManifest("multi.yml", dir);
  assert.deepEqual(multi.apps.map((a) => [(a as { name: string }).name, (a as { workdir: string }).workdir]), [
    ["a", dir],
    ["b", join(dir, "sub")],
  ]);
  write("list.yaml", "apps:\n  - name: c\n    command: [x]\n  - name: d\n    command: [y]\n    workdir: /srv/d\n");
  const list = await loadManifest(join(dir, "list.yaml"), "/");
  assert.deepEqual(list.apps.map((a) => (a as { workdir: string }).workdir), [dir, "/srv/d"]);
});

test("JSON: an object, an array, or { apps: [...] }", async () => {
  write("obj.json", JSON.stringify({ name: "a", command: ["x"] }));
  write("arr.json", JSON.stringify([{ name: "a", command: ["x"] }, { name: "b", command: ["y"] }]));
  write("apps.json", JSON.stringify({ apps: [{ name: "c", command: ["z"] }] }));
  const names = async (f: string) => (await loadManifest(f, dir)).apps.map((a) => (a as { name: string }).name);
  assert.deepEqual(await names("obj.json"), ["a"]);
  assert.deepEqual(await names("arr.json"), ["a", "b"]);
  assert.deepEqual(await names("apps.json"), ["c"]);
});

test("bad YAML is MANIFEST_UNREADABLE naming the file and the line", async () => {
  write("bad.yaml", "name: hello\ncommand: [node, server.mjs\nscaling:\n  replicas: [0, 1]\n");
  await assert.rejects(loadManifest("bad.yaml", dir), (err) => {
    unreadable(/^bad\.yaml: invalid YAML at line 3, column 1: Flow sequence/)(err);
    assert.equal((err as { details: { line: unknown } }).details.line, 3);
    return true;
  });
  write("dup.yaml", "name: a\ncommand: [x]\nname: b\n");
  await assert.rejects(loadManifest("dup.yaml", dir), unreadable(/^dup\.yaml: invalid YAML at line 3, column 1: Map keys must be unique$/));
});

test("bad JSON names the file and, where the parser gives it, the line", async () => {
  write("bad.json", '{\n  "name": "a",\n}\n');
  await assert.rejects(loadManifest("bad.json", dir), unreadable(/^bad\.json: invalid JSON at line 3, column 1: /));
});

test("files that are missing, empty, folders, of unknown type, or not apps are refused", async () => {
  await assert.rejects(loadManifest("missing.yaml", dir), unreadable(/^missing\.yaml: cannot read the file \(ENOENT\)/));
  write("empty.yaml", "# nothing here\n");
  await assert.rejects(loadManifest("empty.yaml", dir), unreadable(/holds no app/));
  await assert.rejects(loadManifest("sub", dir), unreadable(/is a folder/));
  write("x.toml", "name = 'a'");
  await assert.rejects(loadManifest("x.toml", dir), unreadable(/unknown manifest type '\.toml'/));
  write("scalar.yaml", "just a string\n");
  await assert.rejects(loadManifest("scalar.yaml", dir), unreadable(/is a string, not an app manifest/));
  write("mixed.yaml", "apps: []\nname: a\n");
  await assert.rejects(loadManifest("mixed.yaml", dir), unreadable(/holds nothing else/));
});

test("a TS module exporting plain manifest objects: named, default and arrays, each once", async () => {
  write(
    "apps.ts",
    [
      "interface Manifest { name: string; command: string[] }",
      'export const web: Manifest = { name: "web", command: ["node", "web.mjs"] };',
      'export const workers: Manifest[] = [{ name: "w1", command: ["x"] }, { name: "w2", command: ["y"], workdir: "sub" } as Manifest];',
      "export const port: number = 3000;",
      'export const hosts = ["a.example"];',
      "export function helper(): void {}",
      "export default web;",
    ].join("\n"),
  );
  const loaded = await loadManifest("apps.ts", dir);
  assert.deepEqual(loaded.apps.map((a) => [(a as { name: string }).name, (a as { workdir: string }).workdir]), [
    ["web", dir],
    ["w1", dir],
    ["w2", join(dir, "sub")],
  ]);
});

test("a JS module whose default export is a list of apps", async () => {
  write("apps.mjs", 'export default [{ name: "a", command: ["x"] }, { name: "b", command: ["y"] }];\n');
  assert.deepEqual((await loadManifest("apps.mjs", dir)).apps.map((a) => (a as { name: string }).name), ["a", "b"]);
});

test("modules that fail to load or export no app are refused naming the file", async () => {
  write("broken.ts", "export const a = {;\n");
  await assert.rejects(loadManifest("broken.ts", dir), unreadable(/^broken\.ts: cannot load the module: /));
  write("throws.mjs", 'throw new Error("boom at load");\n');
  await assert.rejects(loadManifest("throws.mjs", dir), unreadable(/boom at load/));
  write("none.ts", "export const port = 1;\n");
  await assert.rejects(loadManifest("none.ts", dir), unreadable(/exports no app/));
  write("bad-default.mjs", "export default 42;\n");
  await assert.rejects(loadManifest("bad-default.mjs", dir), unreadable(/default export is not an app/));
  write("bad-list.mjs", 'export const apps = [{ name: "a", command: ["x"] }, 7];\n');
  await assert.rejects(loadManifest("bad-list.mjs", dir), unreadable(/export 'apps'\[1\] is not an app/));
});

test("a module exporting SDK AppEnvironments (from any copy of the SDK) gives their manifests", async () => {
  // A stand-in for another copy of the SDK: the Symbol.for brand is what makes an environment.
  write(
    "sdk-app.ts",
    [
      'const brand = Symbol.for("ebb.AppEnvironment");',
      "class AppEnvironment {",
      "  constructor(readonly options: { name: string; command: string[]; scaling?: object }) {}",
      "  get [brand](): true { return true; }",
      "  get name(): string { return this.options.name; }",
      "  toManifest(): Record<string, unknown> { return { ...this.options }; }",
      "}",
      'export const counter = new AppEnvironment({ name: "counter", command: ["node", "c.mjs"], scaling: { replicas: [0, 3] } });',
      'export default [counter, new AppEnvironment({ name: "other", command: ["x"] })];',
    ].join("\n"),
  );
  const loaded = await loadManifest("sdk-app.ts", dir);
  assert.deepEqual(loaded.apps, [
    { name: "counter", command: ["node", "c.mjs"], scaling: { replicas: [0, 3] }, workdir: dir },
    { name: "other", command: ["x"], workdir: dir },
  ]);
});
