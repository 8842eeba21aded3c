/**
 * The local runtime's public surface: replicas as child processes of the server (DESIGN §7).
 * Only this folder may import node:child_process.
 */
export { createLocalRuntime, registryFileName, type LocalRuntime, type LocalRuntimeDeps } from "./runtime.js";
export { localRuntimeDefaults, resolveLocalRuntimeConfig, type Capacity, type LocalRuntimeConfig, type LocalRuntimeOptions } from "./config.js";
