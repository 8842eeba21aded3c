/**
 * Runs `ebb` in-process against a real API server (port 0) over the fake control plane, and
 * captures what it prints. Shared by the CLI's command tests.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeApi } from "../../src/api/fake-api.js";
import { runCli, type CliIo, type CommandHandler } from "../../src/cli/index.js";

export interface CliRun {
  code: Promise<number>;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  extra?: Record<string, CommandHandler>;
}

/** Starts `ebb ...argv` with EBB_SERVER/EBB_TOKEN pointing at `api` (unless env says otherwise). */
export function start(api: FakeApi | undefined, argv: string[], opts: RunOptions = {}): CliRun {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { ...(api ? { EBB_SERVER: api.url, EBB_TOKEN: api.token } : {}), ...opts.env },
    cwd: opts.cwd ?? mkdtempSync(join(tmpdir(), "ebb-cli-")),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  const code = runCli(argv, io, opts.extra);
  return {
    code,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/** Runs `ebb ...argv` to the end. */
export async function ebb(api: FakeApi | undefined, argv: string[], opts: RunOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = start(api, argv, opts);
  const code = await run.code;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** Local time as the CLI prints it: `YYYY-MM-DD HH:MM:SS.mmm`. */
export const timePattern = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`;
