/**
 * The `ebb` command line: commands over the API client, with no business logic of their own.
 * The composition root calls runCli with the process's streams, environment and working folder,
 * and adds the commands that need the whole server (`serve`, `sim`, `advise`) through `extra`.
 */
export { runCli, builtinCommands } from "./run.js";
export { parseArgs, UsageError, intFlag, stringFlag, durationFlagMs, expectPositionals } from "./args.js";
export type { FlagSpec, FlagSpecs, ParsedArgs } from "./args.js";
export type { CliIo, CommandContext, CommandHandler, OutputStream } from "./command.js";
export { loadManifest, loadManifests, findManifests } from "./manifest.js";
export type { LoadedManifest } from "./manifest.js";
export { resolveDataDir, resolveConnection, defaultServer } from "./connection.js";
