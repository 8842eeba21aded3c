import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../repo-root.js";

test("the package's bin runs as an executable after a build (what npx ebb runs)", () => {
  const root = repoRoot(import.meta.url);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> };
  const bin = join(root, pkg.bin.ebb!);
  const run = spawnSync(bin, ["--help"], { encoding: "utf8", timeout: 20_000 });
  assert.equal(run.error, undefined, `could not execute ${bin}: ${run.error?.message}`);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^Usage: ebb COMMAND/);
});
