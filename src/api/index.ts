/**
 * The REST API: the server the CLI and the console talk to, the one map from error codes to HTTP
 * statuses, and the typed client. The client (client.ts) is also importable on its own, since it
 * must stay free of Node built-ins for the browser.
 */
export { createApiServer, apiDefaults } from "./server.js";
export type { ApiServer, ApiServerConfig, ApiServerDeps } from "./server.js";
export { httpStatusByCode, httpStatusFor, errorResponse } from "./http-errors.js";
export type { ErrorBody, ErrorResponse } from "./http-errors.js";
export { createClient } from "./client.js";
export type { ClientOptions, EbbClient } from "./client.js";
export { SseParser, readSse } from "./sse-reader.js";
export type { SseMessage } from "./sse-reader.js";
