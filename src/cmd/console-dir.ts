/** Where the built web console lives: `dist/console` of the installed package, if it was built. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export function consoleDir(): string | undefined {
  // This file runs from dist/src/cmd/; the console is built into dist/console/.
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "console");
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}
