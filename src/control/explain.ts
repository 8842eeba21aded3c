/**
 * Turns a scaling decision into the event users read ("why did it scale?"): the type, one line
 * naming the rule and the numbers behind it, and the inputs as data for the console.
 */
import type { ScaleDecision } from "../autoscaler/types.js";
import type { EventType } from "../spec/types.js";

export interface Explained {
  type: EventType;
  message: string;
  data: Record<string, unknown>;
}

export function explainDecision(d: ScaleDecision): Explained {
  const type: EventType = d.desired > d.previous ? "ScaledUp" : d.desired === 0 ? "ScaledToZero" : "ScaledDown";
  const i = d.inputs;
  const unit = i.metric === "concurrency" ? "in flight" : "req/s";
  const perReplica = `target ${round(i.target)} ${unit} per replica`;
  let why: string;
  switch (d.rule) {
    case "wake":
      why = "a request arrived while at zero";
      break;
    case "panic":
      why = `panic: ${round(i.panicLoad)} ${unit} over ${i.panicWindowSec} s is at least twice what ${i.readyReplicas} ready replica${i.readyReplicas === 1 ? "" : "s"} can take (${perReplica})`;
      break;
    case "stable":
      why = `${round(i.stableLoad)} ${unit} averaged over ${i.stableWindowSec} s, ${perReplica}`;
      break;
    case "scale-down-delay":
      why = `load fell to ${round(i.stableLoad)} ${unit}; the lower count held for scaledownAfter (${i.scaledownAfterSec} s)`;
      break;
    case "idle":
      why = `idle for ${Math.round(i.idleSec ?? 0)} s (scaledownAfter ${i.scaledownAfterSec} s)`;
      break;
    case "in-flight":
      why = "requests are still in flight";
      break;
    case "min":
      why = `kept at min ${i.min}`;
      break;
    case "max":
      why = `${round(i.stableLoad)} ${unit} wants more, capped at max ${i.max}`;
      break;
    case "no-data":
      why = "no traffic observed yet";
      break;
  }
  return {
    type,
    message: `${type} ${d.previous}->${d.desired}: ${why}`,
    data: { from: d.previous, to: d.desired, rule: d.rule, ...i },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
