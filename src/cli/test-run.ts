/**
 * Runs `ebb ...argv` in-process against a real API server and captures what it prints; for the
 * CLI's tests (here and in tests/cli/). EBB_SERVER and EBB_TOKEN point at `api` unless `env` says
 * otherwise; `tty` makes stdout a 200-column terminal (for `ebb top`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeApi } from "../api/fake-api.js";
import type { CliIo, CommandHandler } from "./command.js";
import { runCli } from "./index.js";

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
  tty?: boolean;
}

export function startCli(api: FakeApi | undefined, argv: string[], opts: RunOptions = {}): CliRun {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), ...(opts.tty !== undefined && { isTTY: opts.tty, columns: 200 }) },
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
