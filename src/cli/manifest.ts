/**
 * Loads manifest files into raw app specs for `ebb deploy`. YAML (several `---` documents, or a
 * document with `apps: [...]`), JSON (an object, an array, or `{ "apps": [...] }`), and TS/JS
 * modules whose exports are SDK AppEnvironments or plain manifest objects (named exports, or a
 * default export that is one or an array). Each app's `workdir` defaults to the file's folder,
 * and a relative one is resolved against it, as a relative command is. Any file that cannot be
 * read or parsed is MANIFEST_UNREADABLE naming the file and, where the parser says, the line.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { parseAllDocuments } from "yaml";
import { EbbError } from "../api/client.js";
import { isAppEnvironment } from "../spec/index.js";

export interface LoadedManifest {
  /** The file as the user named it. */
  file: string;
  /** Raw app specs, in file order, with `workdir` filled in. */
  apps: unknown[];
}

const moduleExtensions = new Set([".ts", ".mts", ".js", ".mjs"]);

export const manifestExtensions = [".yaml", ".yml", ".json", ...moduleExtensions];

const unreadable = (file: string, message: string, details: Record<string, unknown> = {}): EbbError =>
  new EbbError("MANIFEST_UNREADABLE", `${file}: ${message}`, { file, ...details });

export async function loadManifest(file: string, cwd: string): Promise<LoadedManifest> {
  const path = resolve(cwd, file);
  const ext = extname(path).toLowerCase();
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw unreadable(file, `cannot read the file (${err.code ?? err.message})`);
  });
  if (info.isDirectory()) throw unreadable(file, `is a folder; name the manifest files in it (${manifestExtensions.join(", ")})`);
  let raws: unknown[];
  if (ext === ".yaml" || ext === ".yml") raws = fromYaml(file, await readFile(path, "utf8"));
  else if (ext === ".json") raws = fromJson(file, await readFile(path, "utf8"));
  else if (moduleExtensions.has(ext)) raws = await fromModule(file, path);
  else throw unreadable(file, `unknown manifest type '${ext || "(none)"}'; expected one of ${manifestExtensions.join(", ")}`);
  if (raws.length === 0) throw unreadable(file, "holds no app");
  const folder = dirname(path);
  return { file, apps: raws.map((raw) => withWorkdir(raw, folder)) };
}

function withWorkdir(raw: unknown, folder: string): unknown {
  if (!isPlainObject(raw)) return raw;
  if (raw.workdir === undefined) return { ...raw, workdir: folder };
  if (typeof raw.workdir === "string") return { ...raw, workdir: resolve(folder, raw.workdir) };
  return raw;
}

/** The apps of one parsed document: a list under `apps`, an array, or a single app. */
function appsOf(file: string, doc: unknown, where: string): unknown[] {
  if (doc === null || doc === undefined) return [];
  if (Array.isArray(doc)) return doc;
  if (isPlainObject(doc) && Array.isArray(doc.apps)) {
    const other = Object.keys(doc).find((k) => k !== "apps");
    if (other !== undefined) throw unreadable(file, `${where} has 'apps:' and '${other}:'; a document with an apps list holds nothing else`);
    return doc.apps;
  }
  if (isPlainObject(doc)) return [doc];
  throw unreadable(file, `${where} is ${typeof doc === "string" ? "a string" : String(doc)}, not an app manifest`);
}

export function fromYaml(file: string, text: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [];
  const apps: unknown[] = [];
  list.forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      const at = pos ? `line ${pos.line}, column ${pos.col}: ` : "";
      const what = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw unreadable(file, `invalid YAML at ${at}${what}`, pos ? { line: pos.line, column: pos.col } : {});
    }
    apps.push(...appsOf(file, doc.toJS(), list.length > 1 ? `document ${i + 1}` : "the document"));
  });
  return apps;
}

export function fromJson(file: string, text: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /at position (\d+)/.exec(message);
    if (!position) throw unreadable(file, `invalid JSON: ${message}`);
    const before = text.slice(0, Number(position[1]));
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    throw unreadable(file, `invalid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, "")}`, { line, column });
  }
  return appsOf(file, doc, "the document");
}

async function fromModule(file: string, path: string): Promise<unknown[]> {
  let exports: Record<string, unknown>;
  try {
    exports = esModuleExports((await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>);
  } catch (err) {
    throw unreadable(file, `cannot load the module: ${(err as Error).message}`);
  }
  const seen = new Set<unknown>();
  const apps: unknown[] = [];
  const take = (value: unknown): void => {
    if (seen.has(value)) return;
    seen.add(value);
    apps.push(isAppEnvironment(value) ? value.toManifest() : value);
  };
  for (const [name, value] of Object.entries(exports)) {
    if (isApp(value)) take(value);
    else if (Array.isArray(value) && value.length > 0 && value.some(isApp)) {
      const bad = value.findIndex((v) => !isApp(v));
      if (bad !== -1) throw unreadable(file, `export '${name}'[${bad}] is not an app (an AppEnvironment or a manifest object with a name)`);
      value.forEach(take);
    } else if (name === "default" && value !== undefined) {
      throw unreadable(file, "the default export is not an app or a list of apps");
    }
  }
  if (apps.length === 0) throw unreadable(file, "exports no app (AppEnvironment, or a manifest object with a name)");
  return apps;
}

/**
 * A module outside any `"type": "module"` package is compiled to CommonJS; Node then offers its
 * `module.exports` as `default`, marked `__esModule`, with the real default export inside it.
 */
function esModuleExports(ns: Record<string, unknown>): Record<string, unknown> {
  const inner = ns.default as { __esModule?: unknown } | undefined;
  return inner !== null && typeof inner === "object" && inner.__esModule === true ? { ...inner } : ns;
}

/** An SDK AppEnvironment, or a plain object with a string `name` (a manifest written inline). */
function isApp(value: unknown): boolean {
  return isAppEnvironment(value) || (isPlainObject(value) && typeof value.name === "string");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Files in a folder (recursively) that `ebb deploy DIR` and `ebb serve --deploy DIR` take as manifests. */
const manifestName = /^(.*\.(ya?ml|json)|(app|apps)\.m?ts)$/i;
const skippedFolders = new Set(["node_modules", ".git", ".ebb", "dist"]);

export async function findManifests(dir: string, cwd: string): Promise<string[]> {
  const root = resolve(cwd, dir);
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = resolve(folder, entry.name);
      if (entry.isDirectory() && !skippedFolders.has(entry.name) && !entry.name.startsWith(".")) await walk(path);
      else if (entry.isFile() && manifestName.test(entry.name) && entry.name !== "package.json" && entry.name !== "tsconfig.json") found.push(path);
    }
  };
  await walk(root);
  return found;
}

/** Loads files and folders of manifests (a folder: every manifest found in it, sorted by path). */
export async function loadManifests(paths: string[], cwd: string): Promise<LoadedManifest[]> {
  const out: LoadedManifest[] = [];
  for (const p of paths) {
    const info = await stat(resolve(cwd, p)).catch(() => null);
    const files = info?.isDirectory() ? await findManifests(p, cwd) : [p];
    if (info?.isDirectory() && files.length === 0) throw unreadable(p, "is a folder with no manifests in it");
    for (const file of files) out.push(await loadManifest(file, cwd));
  }
  return out;
}
