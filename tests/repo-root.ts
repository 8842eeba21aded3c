/** The repository root, found from a test file whether it runs from tests/ or dist/tests/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function repoRoot(fromUrl: string): string {
  for (let dir = dirname(fileURLToPath(fromUrl)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "src"))) return dir;
  }
  throw new Error(`no repository root above ${fromUrl}`);
}
