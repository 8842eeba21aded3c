/**
 * Runs `ebb` in-process against a real API server (port 0) over the fake control plane, and
 * captures what it prints. Shared by the CLI's command tests.
 */
import type { FakeApi } from "../../src/api/fake-api.js";
import { startCli, type RunOptions } from "../../src/cli/test-run.js";

export { startCli as start, type CliRun, type RunOptions } from "../../src/cli/test-run.js";

/** Runs `ebb ...argv` to the end. */
export async function ebb(api: FakeApi | undefined, argv: string[], opts: RunOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(api, argv, opts);
  const code = await run.code;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** Local time as the CLI prints it: `YYYY-MM-DD HH:MM:SS.mmm`. */
export const timePattern = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`;
