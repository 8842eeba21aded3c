/**
 * The runtime folder's public surface: the Runtime interface and its events, the local runtime
 * (child processes) with its config and defaults, and the fake for control-plane unit tests.
 * The shared contract suite (contract.ts) is imported by tests directly, as it needs node:test.
 */
export type {
  Endpoint,
  ExitReason,
  LogLine,
  ReplicaInfo,
  ReplicaState,
  Runtime,
  RuntimeEvent,
  RuntimeHooks,
  StartPhases,
} from "./types.js";
export { restartPolicyDefaults, type RestartPolicy } from "./policy.js";
export {
  createLocalRuntime,
  localRuntimeDefaults,
  registryFileName,
  resolveLocalRuntimeConfig,
  type Capacity,
  type LocalRuntime,
  type LocalRuntimeConfig,
  type LocalRuntimeDeps,
  type LocalRuntimeOptions,
} from "./local/index.js";
export { createFakeRuntime, type FakeRuntime, type FakeRuntimeOptions } from "./fake.js";
