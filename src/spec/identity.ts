/**
 * How an app is named and addressed: its name is a DNS label (RFC 1035 §2.3.1 with RFC 1123 §2.1
 * allowing a leading digit) so that `<name>.localhost` is a valid host; custom domains are
 * lower-case host names; a spec's identity for "did anything change" is the hash of its
 * normalized form, so two manifests that mean the same deploy the same revision.
 */
import { contentHash } from "../kit/hash.js";
import { specLimits } from "./defaults.js";
import type { AppSpec } from "./types.js";

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True for a lower-case DNS label of at most 63 characters, e.g. "hello" or "api-v2". */
export function isDnsLabel(text: string): boolean {
  return text.length <= specLimits.nameMaxLength && label.test(text);
}

/** True for a lower-case host name such as "api.example.test" (labels of at most 63, 253 in all). */
export function isHostName(text: string): boolean {
  return text.length <= specLimits.hostMaxLength && text.split(".").every(isDnsLabel);
}

/** The host the gateway routes to an app: appHost("hello") === "hello.localhost". */
export function appHost(name: string): string {
  return `${name}.localhost`;
}

/**
 * A 16-hex-digit hash of a normalized spec. Key order does not matter; any change of value does.
 * Deploying a spec whose hash equals the current revision's is a no-op.
 */
export function specHash(spec: AppSpec): string {
  return contentHash(spec);
}
