/**
 * The simulator's seeded randomness: xoshiro128** (Blackman and Vigna, 2018) seeded through
 * splitmix32, so a (seed, stream) pair always gives the same sequence on every platform. Each
 * use of randomness (spreading arrivals, service times, cold starts) draws from its own stream,
 * so a policy that starts more replicas never shifts the service times drawn for requests: two
 * runs of one trace and seed see the same arrivals and the same work whatever their policies.
 * Below the generator: the distributions cold starts and service times are drawn from.
 */
import { EbbError } from "../kit/errors.js";
import { formatDuration, readDuration } from "../spec/index.js";

/** Streams of one seed; a new use of randomness takes a new number. */
export const rngStreams = Object.freeze({
  arrivals: 1,
  serviceTime: 2,
  coldStart: 3,
  traceService: 4,
});

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /**
   * @param seed any integer (taken modulo 2^32).
   * @param stream which of the seed's independent streams (see rngStreams); default 0.
   */
  constructor(seed: number, stream = 0) {
    const state = { s: (Math.trunc(seed) ^ Math.imul(stream + 1, 0x632be5ab)) | 0 };
    this.#a = splitmix32(state);
    this.#b = splitmix32(state);
    this.#c = splitmix32(state);
    this.#d = splitmix32(state);
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }

  /** A uniform unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal deviate (Box-Muller; one of the pair is used). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Durations drawn from a distribution: cold starts and service times. The text forms, read by
 * `parseDistribution` (durations in the spec's grammar: "8s", "500ms", "1m30s"; a bare number is
 * seconds):
 *
 *   8s                      fixed: always 8 s (also `fixed:8s`)
 *   uniform:2s,5s           uniform between 2 s and 5 s
 *   lognormal:8s,0.3        log-normal with median 8 s and sigma 0.3 (of the underlying normal),
 *                           so about 95 % of draws fall within 8 s x e^(+-0.6) = 4.4 s .. 14.6 s
 *   exponential:1s          exponential with mean 1 s (also `exp:1s`)
 *
 * Draws are whole milliseconds (rounded), never negative. A fixed distribution draws nothing from
 * the random stream.
 */
export type Distribution =
  | { kind: "fixed"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "lognormal"; medianMs: number; sigma: number }
  | { kind: "exponential"; meanMs: number };

export function fixed(ms: number): Distribution {
  return { kind: "fixed", ms: Math.max(0, Math.round(ms)) };
}

/** One draw, in whole milliseconds. */
export function sample(d: Distribution, rng: Rng): number {
  switch (d.kind) {
    case "fixed":
      return d.ms;
    case "uniform":
      return Math.round(d.minMs + (d.maxMs - d.minMs) * rng.next());
    case "lognormal":
      return Math.round(d.medianMs * Math.exp(d.sigma * rng.normal()));
    case "exponential":
      return Math.round(-d.meanMs * Math.log(1 - rng.next()));
  }
}

/** The distribution's mean in ms (for reports). */
export function meanMs(d: Distribution): number {
  switch (d.kind) {
    case "fixed":
      return d.ms;
    case "uniform":
      return (d.minMs + d.maxMs) / 2;
    case "lognormal":
      return d.medianMs * Math.exp((d.sigma * d.sigma) / 2);
    case "exponential":
      return d.meanMs;
  }
}

/** The text form parseDistribution reads back. */
export function describe(d: Distribution): string {
  const s = (ms: number): string => formatDuration(ms / 1000);
  switch (d.kind) {
    case "fixed":
      return s(d.ms);
    case "uniform":
      return `uniform:${s(d.minMs)},${s(d.maxMs)}`;
    case "lognormal":
      return `lognormal:${s(d.medianMs)},${d.sigma}`;
    case "exponential":
      return `exponential:${s(d.meanMs)}`;
  }
}

const forms = "a duration (8s), uniform:MIN,MAX, lognormal:MEDIAN,SIGMA or exponential:MEAN";

/** Reads a distribution; `flag` names the option in errors (SIM_OPTIONS_INVALID). */
export function parseDistribution(text: string, flag: string): Distribution {
  const bad = (why: string): EbbError =>
    new EbbError("SIM_OPTIONS_INVALID", `${flag}: ${why} (expected ${forms})`, { flag, value: text });
  const ms = (part: string | undefined, what: string): number => {
    const raw = (part ?? "").trim();
    const read = readDuration(/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
    if (!read.ok) throw bad(`${what}: ${read.reason}`);
    if (read.seconds < 0) throw bad(`${what} must not be negative, got ${raw}`);
    return read.seconds * 1000;
  };
  const colon = text.indexOf(":");
  const kind = colon === -1 ? "fixed" : text.slice(0, colon).trim().toLowerCase();
  const args = colon === -1 ? [text] : text.slice(colon + 1).split(",");
  const arity = (n: number): void => {
    if (args.length !== n) throw bad(`${kind} takes ${n} parameter${n === 1 ? "" : "s"}, got ${args.length}`);
  };
  switch (kind) {
    case "fixed":
      arity(1);
      return fixed(ms(args[0], "duration"));
    case "uniform": {
      arity(2);
      const [minMs, maxMs] = [ms(args[0], "min"), ms(args[1], "max")];
      if (maxMs < minMs) throw bad(`max ${args[1]} is below min ${args[0]}`);
      return { kind: "uniform", minMs, maxMs };
    }
    case "lognormal": {
      arity(2);
      const sigma = Number(args[1]);
      if (!(Number.isFinite(sigma) && sigma >= 0)) throw bad(`sigma must be a number >= 0, got ${args[1]}`);
      return { kind: "lognormal", medianMs: ms(args[0], "median"), sigma };
    }
    case "exp":
    case "exponential":
      arity(1);
      return { kind: "exponential", meanMs: ms(args[0], "mean") };
    default:
      throw bad(`unknown distribution "${kind}"`);
  }
}
