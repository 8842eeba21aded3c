#!/usr/bin/env node
/**
 * The `ebb` executable: the CLI's commands plus the ones that run parts in this process
 * (`serve`, `sim`, `advise`), wired here because only cmd/ may build concrete parts.
 */
import { runCli } from "../cli/index.js";
import { serveCommand } from "./serve.js";
import { adviseHandler } from "./advise.js";
import { simHandler } from "./sim.js";

// A reader that goes away (`ebb events -f | head`) ends the command quietly, not with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
}

const controller = new AbortController();
// `ebb serve` handles its own signals; for following commands (-f, --wait) Ctrl-C ends the follow.
if (process.argv[2] !== "serve") process.once("SIGINT", () => controller.abort());

const code = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal },
  { serve: serveCommand, sim: simHandler, advise: adviseHandler },
);
process.exitCode = code;
