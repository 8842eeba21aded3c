/**
 * Every error code users can see, with what it means. docs/errors.md lists the same codes; a test
 * keeps the two in step. Statuses are not chosen here: the API (api/http-errors.ts) and the
 * gateway (gateway/respond.ts) map codes to HTTP statuses at the edge.
 */
export const errorCatalogue = {
  // server
  CONFIG_INVALID: "A setting of `ebb serve` (flag, EBB_* variable or config file) is unknown or out of range.",
  SERVER_LISTEN_FAILED: "A listener could not bind its address (the port is in use, or not allowed).",
  // spec and manifests
  APP_SPEC_INVALID: "The app spec breaks one or more rules; `details.problems` lists each with its field path.",
  MANIFEST_UNREADABLE: "A manifest file could not be read or parsed (YAML, JSON or a TypeScript module).",
  // API
  API_UNAUTHORIZED: "The API call carried no bearer token or a wrong one.",
  API_NOT_FOUND: "No such API route.",
  API_BAD_REQUEST: "The request body or a parameter is malformed.",
  API_BODY_TOO_LARGE: "The request body is larger than the API accepts.",
  APP_NOT_FOUND: "No app with that name is deployed.",
  API_TOO_MANY_STREAMS: "The API has as many live event and log streams open as it allows; close one and retry.",
  INTERNAL_ERROR: "An unexpected failure inside ebb; the server log has the error under the reference given.",
  SERVER_UNREACHABLE: "The CLI could not reach the ebb server.",
  CLI_USAGE: "The command line is malformed: unknown command or flag, missing or extra argument.",
  CLI_TOKEN_MISSING: "No API token was given and none is in the data directory (`ebb serve` writes it).",
  DEPLOY_WAIT_TIMEOUT: "`ebb deploy --wait` gave up before every app finished rolling out.",
  // gateway
  GATEWAY_UNKNOWN_HOST: "No app is routed at the request's Host.",
  GATEWAY_AUTH_REQUIRED: "The app requires a bearer token and the request had none or a wrong one.",
  GATEWAY_WAKE_QUEUE_FULL: "Too many requests are already waiting for the app to start.",
  GATEWAY_WAKE_TIMEOUT: "The request timed out while the app was starting.",
  GATEWAY_APP_STOPPED: "The app is stopped; start it to serve requests.",
  GATEWAY_APP_UNAVAILABLE: "The app cannot start (crash loop, out of memory, start failure); the body names the cause.",
  GATEWAY_UPSTREAM_FAILED: "The replica failed or closed the connection mid-request.",
  GATEWAY_REQUEST_TIMEOUT: "The request ran past the app's request timeout.",
  GATEWAY_SHUTTING_DOWN: "The gateway is shutting down and takes no new requests.",
  GATEWAY_BAD_REQUEST: "The request is malformed HTTP/1.1 (request line, header fields or body framing); the gateway closes the connection.",
  GATEWAY_REQUEST_HEAD_TOO_LARGE: "The request head is larger than the gateway accepts (maxHeaderBytes, maxHeaderCount).",
  GATEWAY_NOT_IMPLEMENTED: "The request uses a transfer coding other than chunked, or CONNECT.",
  GATEWAY_HTTP_VERSION_UNSUPPORTED: "The request's HTTP version is not 1.x.",
  // autoscaler
  AUTOSCALER_APP_LIMIT: "The autoscaler already tracks its maximum number of apps.",
  // runtime
  RUNTIME_START_FAILED: "The replica's command could not be started (missing file, not executable).",
  RUNTIME_CRASH_LOOP: "The app's replicas keep exiting; ebb is restarting them with back-off.",
  RUNTIME_OOM_KILLED: "A replica went over its memory limit and was killed.",
  RUNTIME_STARTUP_TIMEOUT: "A replica did not become ready within the startup timeout.",
  RUNTIME_INSUFFICIENT_CAPACITY: "The machine has no room (CPU or memory) for another replica.",
  // rollouts
  ROLLOUT_FAILED: "The new revision could not become ready; the previous revision keeps serving.",
  // store
  STORE_OPEN_FAILED: "The database file could not be opened (unreadable, not a database, no permission).",
  STORE_SCHEMA_TOO_NEW: "The database was written by a newer ebb; upgrade ebb or point it at another file.",
  STORE_INVALID_ARGUMENT: "A store call received a malformed argument (limit, time step, second, count).",
  STORE_CLOSED: "The store was used after it was closed.",
  // simulator
  SIM_TRACE_INVALID: "A trace file has a malformed row; the message names file, line and column.",
  SIM_OPTIONS_INVALID: "A simulator option is missing or malformed.",
  SIM_NO_TRAFFIC: "The app has no recorded arrivals in the period asked; there is nothing to replay or advise on.",
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof errorCatalogue;
