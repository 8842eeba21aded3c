/**
 * The spec folder's public surface: app and status types, the error catalogue, the SDK, and
 * validation from raw manifests to normalized AppSpecs. Pure: no I/O and no Node built-ins, so
 * every other folder (and users' own modules, through the package root) can import it.
 */
export * from "./types.js";
export { errorCatalogue, type ErrorCode } from "./catalogue.js";
export { specDefaults, specLimits, reservedEnv } from "./defaults.js";
export { parseDuration, formatDuration, readDuration, type DurationRead } from "./duration.js";
export { memoryBytes, formatMemory, readCpu, readMemory, type QuantityRead } from "./quantity.js";
export { appHost, isDnsLabel, isHostName, specHash } from "./identity.js";
export { commandWithPort } from "./command.js";
export { problemRules, formatProblems, specInvalid, type Problem, type ProblemRule } from "./problem.js";
export { suggestKey } from "./suggest.js";
export { validateApp, type ValidateOptions, type ValidationResult } from "./validate.js";
export {
  validateApps,
  assertValidApps,
  assertValidApp,
  type ValidateAppsOptions,
  type AppsValidationResult,
} from "./validate-apps.js";
export {
  AppEnvironment,
  Scaling,
  Timeouts,
  isAppEnvironment,
  type AppEnvironmentLike,
  type AppEnvironmentOptions,
  type ScalingOptions,
  type TimeoutsOptions,
  type Duration,
} from "./sdk.js";
