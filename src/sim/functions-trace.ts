/**
 * Reader of the Azure Functions 2019 trace (Shahrad et al., "Serverless in the Wild", ATC 2020):
 * `HashOwner,HashApp,HashFunction,Trigger,480,...,959`, one row per function, each numbered
 * column the invocations in that minute of the day. The app (HashApp) is the unit that scales,
 * so the functions of an app are summed into its load.
 *
 * The trace has no sub-minute timing: each app's count in a minute is spread over the minute as
 * a Poisson process (MinuteSpreader below: the count is kept exactly, the times are uniform
 * order statistics), seeded. Which function each arrival belongs to is drawn without replacement from
 * the minute's per-function counts, so each function keeps its count too; its service time is
 * drawn from that function's row of the durations file (durations.ts), or left to the replay's
 * default when the file has no row for it.
 *
 * Memory: the count table (functions x minutes numbers) and one cursor per app active in the
 * current minute; requests are made one at a time, merged across apps in time order.
 * Times are ms from the start of the trace's day, so minute 480 starts at 28,800,000.
 */
import { type DurationTable, durationKey, sampleDuration } from "./durations.js";
import { MinHeap } from "./heap.js";
import { LineReader, countField, expectFields, fieldColumn } from "./line-reader.js";
import { Rng, rngStreams } from "./random.js";
import type { ReplayRequest, ReplaySource } from "./types.js";

export interface FunctionsTraceOptions {
  /** Seed of the spreading and of the drawn service times; default 1. */
  seed?: number;
  /** Per-function durations (readDurations); without it requests carry no service time. */
  durations?: DurationTable;
  /** Name of the file in messages; default the path. */
  displayName?: string;
}

interface FunctionRow {
  counts: Uint32Array;
  durations: Float64Array | undefined;
}

interface AppRows {
  app: string;
  index: number;
  fns: FunctionRow[];
}

interface Cursor {
  rows: AppRows;
  nextMs: number;
  spreader: MinuteSpreader;
  fnLeft: Uint32Array;
  left: number;
}

const fixedColumns = ["HashOwner", "HashApp", "HashFunction", "Trigger"];

export function readFunctionsTrace(path: string, opts: FunctionsTraceOptions = {}): ReplaySource & { functions: number; functionsWithoutDurations: number } {
  const file = opts.displayName ?? path;
  const { minutes, apps, functions, missing } = readTable(path, file, opts.durations);
  const seed = opts.seed ?? 1;
  return {
    name: file,
    startMs: (minutes[0] ?? 0) * 60_000,
    endMs: ((minutes[minutes.length - 1] ?? -1) + 1) * 60_000,
    apps: apps.map((a) => a.app),
    serviceModel: opts.durations ? "drawn per function from the durations file's percentiles" : "none in the trace",
    functions,
    functionsWithoutDurations: missing,
    requests: { [Symbol.iterator]: () => arrivals(minutes, apps, seed) },
  };
}

function readTable(path: string, file: string, durations: DurationTable | undefined) {
  const reader = new LineReader(path, file);
  const byApp = new Map<string, AppRows>();
  let minutes: number[] = [];
  let functions = 0;
  let missing = 0;
  try {
    const head = reader.next();
    if (head === null) throw reader.invalid(1, "the invocations file is empty; expected a header");
    const names = head.split(",");
    fixedColumns.forEach((name, i) => {
      if (names[i] !== name) throw reader.invalid(fieldColumn(names, i), `header column ${i + 1} must be ${name}, got "${names[i] ?? ""}"`);
    });
    if (names.length <= fixedColumns.length) throw reader.invalid(head.length + 1, "the header names no minute columns");
    minutes = names.slice(fixedColumns.length).map((text, k) => {
      const i = k + fixedColumns.length;
      const minute = Number(text);
      const prev = Number(names[i - 1]);
      if (text === "" || !Number.isInteger(minute) || minute < 0 || (k > 0 && minute <= prev)) {
        throw reader.invalid(fieldColumn(names, i), `minute columns must be increasing whole numbers, got "${text}"`);
      }
      return minute;
    });
    for (let fields = reader.nextRow(); fields !== null; fields = reader.nextRow()) {
      expectFields(reader, fields, names.length, "as in the header");
      const app = fields[1]!;
      if (app === "") throw reader.invalid(fieldColumn(fields, 1), "HashApp is empty");
      const counts = new Uint32Array(minutes.length);
      for (let k = 0; k < minutes.length; k++) counts[k] = countField(reader, fields, k + fixedColumns.length, `minute ${minutes[k]}`);
      const points = durations?.get(durationKey(app, fields[2]!));
      if (durations && !points) missing++;
      let rows = byApp.get(app);
      if (!rows) byApp.set(app, (rows = { app, index: byApp.size, fns: [] }));
      rows.fns.push({ counts, durations: points });
      functions++;
    }
  } finally {
    reader.close();
  }
  return { minutes, apps: [...byApp.values()], functions, missing };
}

function* arrivals(minutes: readonly number[], apps: readonly AppRows[], seed: number): Generator<ReplayRequest> {
  const spread = new Rng(seed, rngStreams.arrivals);
  const service = new Rng(seed, rngStreams.traceService);
  const heap = new MinHeap<Cursor>((a, b) => a.nextMs < b.nextMs || (a.nextMs === b.nextMs && a.rows.index < b.rows.index));
  for (let k = 0; k < minutes.length; k++) {
    for (const rows of apps) {
      let total = 0;
      const fnLeft = new Uint32Array(rows.fns.length);
      rows.fns.forEach((fn, f) => {
        fnLeft[f] = fn.counts[k]!;
        total += fn.counts[k]!;
      });
      if (total === 0) continue;
      const spreader = new MinuteSpreader(total, minutes[k]! * 60_000, spread);
      heap.push({ rows, nextMs: spreader.next(), spreader, fnLeft, left: total });
    }
    for (let c = heap.pop(); c !== undefined; c = heap.pop()) {
      let r = spread.below(c.left);
      let f = 0;
      while (r >= c.fnLeft[f]!) r -= c.fnLeft[f++]!;
      c.fnLeft[f]!--;
      c.left--;
      const points = c.rows.fns[f]!.durations;
      if (points) yield { app: c.rows.app, timeMs: c.nextMs, serviceMs: sampleDuration(points, service) };
      else yield { app: c.rows.app, timeMs: c.nextMs };
      if (c.spreader.left > 0) {
        c.nextMs = c.spreader.next();
        heap.push(c);
      }
    }
  }
}

/**
 * Spreading a per-minute count over its minute as a Poisson process. A Poisson process that
 * has N arrivals in an interval places them as N independent uniform points, sorted (the order
 * statistics of the uniform distribution); so the spreading keeps every minute's count exactly
 * and draws only the times. The points are made in order, one at a time, without holding the N
 * of them: with k points still to place and the last one at x, the next is
 *
 *   x + (1 - x) (1 - U^(1/k)),  U uniform in (0, 1]
 *
 * (the minimum of k uniforms on [x, 1)). Times are whole ms, floored, so a minute starting at
 * 480 min gets times in [28,800,000, 28,860,000).
 */
export class MinuteSpreader {
  #left: number;
  #x = 0;
  readonly #startMs: number;
  readonly #lengthMs: number;
  readonly #rng: Rng;

  /**
   * @param count arrivals in the interval.
   * @param startMs start of the interval (ms).
   * @param lengthMs its length; default 60,000 (one minute).
   */
  constructor(count: number, startMs: number, rng: Rng, lengthMs = 60_000) {
    this.#left = count;
    this.#startMs = startMs;
    this.#lengthMs = lengthMs;
    this.#rng = rng;
  }

  /** Arrivals not yet drawn. */
  get left(): number {
    return this.#left;
  }

  /** The next arrival time (ms), non-decreasing; call only while `left > 0`. */
  next(): number {
    const u = 1 - this.#rng.next();
    this.#x += (1 - this.#x) * (1 - Math.pow(u, 1 / this.#left));
    this.#left--;
    return this.#startMs + Math.min(this.#lengthMs - 1, Math.floor(this.#x * this.#lengthMs));
  }
}
