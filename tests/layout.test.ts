/**
 * Keeps the import table of DESIGN.md §5 true (plus control/, the reconciler, documented in
 * docs/architecture.md). Each folder under src/ may import only the folders listed for it;
 * `typeOnly` folders only through `import type`. Third-party packages are free except where a
 * rule pins one to a file. Tests and contract suites may use Node built-ins (node:test) and the
 * fakes that live beside other folders' interfaces.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { builtinModules } from "node:module";
import { repoRoot } from "./repo-root.js";

const root = repoRoot(import.meta.url);
const src = join(root, "src");

interface Rule {
  internal: string[];
  typeOnly?: string[];
  node: boolean;
}

const rules: Record<string, Rule> = {
  kit: { internal: [], node: true },
  spec: { internal: ["kit"], node: false },
  store: { internal: ["spec", "kit"], node: true },
  autoscaler: { internal: ["spec", "kit"], node: false },
  runtime: { internal: ["spec", "kit"], node: true },
  gateway: { internal: ["spec", "kit"], node: true },
  control: { internal: ["spec", "kit", "store"], typeOnly: ["runtime", "autoscaler", "gateway"], node: true },
  api: { internal: ["spec", "store", "kit"], typeOnly: ["runtime", "autoscaler", "control"], node: true },
  sim: { internal: ["spec", "kit", "autoscaler"], node: true },
  cli: { internal: ["spec", "api/client"], node: true },
  console: { internal: ["spec", "api/client"], node: false },
  cmd: { internal: ["*"], node: true },
  "": { internal: ["spec", "kit"], node: false }, // src/index.ts, the SDK entry
};

/** Packages pinned to the files that alone may import them. */
const pinned: Record<string, string[]> = {
  "better-sqlite3": ["store/sqlite.ts"],
  "node:child_process": ["runtime/local/", "cmd/", "cli/", "tests/"],
};

const gatewayPackageBudget = 1;

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === "node_modules" || name === "dist") continue;
      yield* walk(p);
    } else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) yield p;
  }
}

interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}

export function importsOf(text: string): Import[] {
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ spec: m[3]!, typeOnly: Boolean(m[2]), line: text.slice(0, m.index).split("\n").length });
  }
  const dyn = /import\(\s*["']([^"']+)["']\s*\)/g;
  for (let m = dyn.exec(text); m; m = dyn.exec(text)) {
    out.push({ spec: m[1]!, typeOnly: false, line: text.slice(0, m.index).split("\n").length });
  }
  return out;
}

const builtins = new Set(builtinModules);
const isNode = (s: string): boolean => s.startsWith("node:") || builtins.has(s);

function folderOf(relPath: string): string {
  const parts = relPath.split(sep);
  return parts.length === 1 ? "" : parts[0]!;
}

function violations(): string[] {
  const found: string[] = [];
  const gatewayPackages = new Set<string>();
  for (const file of walk(src)) {
    const rel = relative(src, file);
    const folder = folderOf(rel);
    const rule = rules[folder];
    if (!rule) {
      found.push(`${rel}: folder '${folder}' has no rule in the import table`);
      continue;
    }
    // Tests, contract suites and test helpers (test-*.ts) may use fakes and Node built-ins.
    const testSupport = /(\.test|\/contract[\w-]*|\/test-[\w-]*)\.ts$/.test("/" + rel);
    for (const imp of importsOf(readFileSync(file, "utf8"))) {
      const where = `src/${rel}:${imp.line} imports '${imp.spec}'`;
      for (const [pkg, allowed] of Object.entries(pinned)) {
        if ((imp.spec === pkg || imp.spec === pkg.replace(/^node:/, "")) && !allowed.some((a) => rel.startsWith(a))) {
          found.push(`${where}: only ${allowed.join(", ")} may import ${pkg}`);
        }
      }
      if (isNode(imp.spec)) {
        if (!rule.node && !testSupport) found.push(`${where}: ${folder || "src/index.ts"} may not use Node built-ins`);
        continue;
      }
      if (!imp.spec.startsWith(".")) {
        if (folder === "gateway") gatewayPackages.add(imp.spec.split("/")[0]!);
        continue;
      }
      const target = relative(src, resolve(dirname(file), imp.spec));
      if (target.startsWith("..")) {
        found.push(`${where}: imports from outside src/`);
        continue;
      }
      const targetFolder = folderOf(target);
      if (targetFolder === folder || rule.internal.includes("*")) continue;
      const targetPath = target.replace(/\.js$/, "").split(sep).join("/");
      const allowed = rule.internal.some((f) => f === targetFolder || targetPath === f || targetPath.startsWith(f + "/"));
      if (allowed) continue;
      if (rule.typeOnly?.includes(targetFolder) && imp.typeOnly) continue;
      // Tests beside a module may use the fakes and contract suites that live beside other interfaces.
      if (testSupport && /^(fake|contract|memory)[\w-]*$/.test(targetPath.split("/").pop() ?? "")) continue;
      found.push(`${where}: ${folder || "src/index.ts"} may not import ${targetFolder || "src/index.ts"}${rule.typeOnly?.includes(targetFolder) ? " except with `import type`" : ""}`);
    }
  }
  if (gatewayPackages.size > gatewayPackageBudget) {
    found.push(`gateway imports ${gatewayPackages.size} packages (${[...gatewayPackages].join(", ")}); the budget is ${gatewayPackageBudget} HTTP client library`);
  }
  return found;
}

test("every import follows the table of DESIGN.md §5", () => {
  assert.deepEqual(violations(), []);
});

test("the import scanner sees value, type-only and dynamic imports", () => {
  const text = [
    'import { a } from "../store/index.js";',
    'import type { B } from "../runtime/types.js";',
    'export { c } from "./c.js";',
    'const m = await import("node:fs");',
  ].join("\n");
  assert.deepEqual(
    importsOf(text).map((i) => [i.spec, i.typeOnly]),
    [
      ["../store/index.js", false],
      ["../runtime/types.js", true],
      ["./c.js", false],
      ["node:fs", false],
    ],
  );
});
