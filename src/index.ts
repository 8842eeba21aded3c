/**
 * The package root, `import { AppEnvironment, Scaling } from "ebb"`: the SDK users define apps
 * with, validation and duration helpers, and the spec types. It imports only spec/ and kit/, so
 * loading a user's app module never pulls in the server (the store driver, the gateway).
 *
 *   export const hello = new AppEnvironment({
 *     name: "hello",
 *     command: ["node", "server.js"],
 *     scaling: new Scaling({ replicas: [0, 3], scaledownAfter: "5m", metric: Scaling.Concurrency(10) }),
 *   });
 */
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
} from "./spec/sdk.js";
export { validateApp, type ValidateOptions, type ValidationResult } from "./spec/validate.js";
export { validateApps, assertValidApps, assertValidApp, type AppsValidationResult, type ValidateAppsOptions } from "./spec/validate-apps.js";
export { parseDuration, formatDuration } from "./spec/duration.js";
export { memoryBytes } from "./spec/quantity.js";
export { appHost, specHash } from "./spec/identity.js";
export { problemRules, type Problem, type ProblemRule } from "./spec/problem.js";
export { specDefaults } from "./spec/defaults.js";
export { errorCatalogue, type ErrorCode } from "./spec/catalogue.js";
export { EbbError, isEbbError } from "./kit/errors.js";
export type * from "./spec/types.js";
