export { Control, type ControlDeps } from "./control.js";
export { controlDefaults, type AutoscalerPort, type ControlConfig, type ControlPorts } from "./ports.js";
export { deriveStatus, type StatusInputs, type DerivedStatus, type Trouble } from "./status.js";
export { explainDecision } from "./explain.js";
export { classifyChange, replicaHash } from "./classify.js";
export type * from "./types.js";
export { Telemetry, type TelemetryDeps, type TelemetryView } from "./telemetry.js";
export { ProcessMetrics } from "./telemetry-process.js";
export { telemetryDefaults, type TelemetryConfig, type FleetPort, type RequestMetricsPort, type ProcessPort, type ProcessFigures } from "./telemetry-ports.js";
