/**
 * Problems found in an app spec, and the cursor validation walks the spec with. A problem names
 * the field by its path (`scaling.replicas[1]`, `apps[2].env.PORT`), the value received, the
 * rule it breaks (a stable id from `problemRules`, for programs) and a sentence (for people).
 * Validation collects every problem before answering, so one deploy shows them all.
 */
import { EbbError } from "../kit/errors.js";

/** Every rule a problem can cite, with what it means. docs/spec.md lists the same rules. */
export const problemRules = {
  type: "The value has the wrong type; the message names the expected one.",
  required: "A required field is missing.",
  unknownKey: "The key is not part of the spec; the message suggests the closest known key.",
  dnsLabel: "The app name is not a DNS label (a-z, 0-9, '-', not at either end, at most 63 characters).",
  hostName: "A domain is not a lower-case DNS host name.",
  nonEmpty: "A list or string that must not be empty is empty.",
  absolutePath: "The workdir is relative and there is no folder to resolve it against.",
  envName: "An env key is not a variable name (letters, digits, '_', not starting with a digit).",
  reserved: "An env name ebb sets itself (PORT).",
  integer: "A count that must be a whole number is not.",
  minimum: "A number is below its lower bound.",
  maximum: "A number is above its upper bound.",
  pair: "replicas is neither one integer nor a [min, max] pair.",
  maxAtLeastMin: "The maximum replicas are fewer than the minimum.",
  duration: "A string is not a duration such as \"90s\", \"5m\", \"1h30m\" or \"500ms\".",
  quantity: "cpu or memory is not a quantity such as 0.5, \"500m\", \"512Mi\" or \"1G\".",
  exactlyOne: "The metric has no key or more than one (concurrency or requestRate).",
  urlPath: "The readiness path does not start with '/' or contains spaces.",
  duplicate: "A name or host is used twice.",
} as const;

export type ProblemRule = keyof typeof problemRules;

export interface Problem {
  /** Field path, e.g. `scaling.replicas[1]`; "" is the spec itself. */
  path: string;
  /** The value received at that path (undefined when missing). */
  value: unknown;
  rule: ProblemRule;
  message: string;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A position in the spec being validated; problems reported through it carry its path. */
export class Cursor {
  constructor(
    readonly problems: Problem[],
    readonly path: string = "",
  ) {}

  key(name: string): Cursor {
    const part = identifier.test(name) ? name : `[${JSON.stringify(name)}]`;
    const path = this.path === "" || part.startsWith("[") ? this.path + part : `${this.path}.${part}`;
    return new Cursor(this.problems, path);
  }

  index(i: number): Cursor {
    return new Cursor(this.problems, `${this.path}[${i}]`);
  }

  report(value: unknown, rule: ProblemRule, message: string): void {
    this.problems.push({ path: this.path, value, rule, message });
  }
}

/** Turns a caller's prefix (`apps[2]` or `apps[2].`) into a root cursor. */
export function rootCursor(problems: Problem[], prefix = ""): Cursor {
  return new Cursor(problems, prefix.replace(/\.+$/, ""));
}

/** "a string", "an array", "null": the type of a value as the messages name it. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  const t = typeof value;
  if (t === "number" && !Number.isFinite(value)) return String(value);
  return t === "object" ? "an object" : `a ${t}`;
}

/** A short rendering of a received value for messages (at most 60 characters). */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per problem, as the APP_SPEC_INVALID message lists them. */
export function formatProblems(problems: readonly Problem[]): string {
  const head = problems.length === 1 ? "1 problem in the app spec:" : `${problems.length} problems in the app spec:`;
  return [head, ...problems.map((p) => `  ${p.path || "(spec)"}: ${p.message} [${p.rule}]`)].join("\n");
}

/** The error every invalid spec surfaces as; `details.problems` lists each problem. */
export function specInvalid(problems: Problem[]): EbbError {
  return new EbbError("APP_SPEC_INVALID", formatProblems(problems), { problems });
}
