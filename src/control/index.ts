export { Control, type ControlDeps } from "./control.js";
export { controlDefaults, type AutoscalerPort, type ControlConfig, type ControlPorts } from "./ports.js";
export { deriveStatus, type StatusInputs, type DerivedStatus, type Trouble } from "./status.js";
export { explainDecision } from "./explain.js";
export { classifyChange, replicaHash } from "./classify.js";
export type * from "./types.js";
