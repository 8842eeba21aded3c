/**
 * Service times of the Azure Functions 2019 trace (Shahrad et al., ATC 2020): the durations file
 * gives, per function, its execution time percentiles in ms (`percentile_Average_{0,1,25,50,75,
 * 99,100}`). A request's service time is drawn from that function's distribution by inverse
 * transform through those seven points, linearly between them (u = 0.6 lies 40 % of the way
 * from the 50th to the 75th percentile), rounded to whole ms. Points that are out of order are
 * sorted. The table is one entry per function, read once; the requests are never stored.
 */
import { LineReader, amountField, expectFields } from "./line-reader.js";
import type { Rng } from "./random.js";

const quantiles = [0, 0.01, 0.25, 0.5, 0.75, 0.99, 1] as const;
const columns = ["percentile_Average_0", "percentile_Average_1", "percentile_Average_25", "percentile_Average_50", "percentile_Average_75", "percentile_Average_99", "percentile_Average_100"];

/** Durations per function, keyed by `durationKey(app, function)`. */
export type DurationTable = Map<string, Float64Array>;

export function durationKey(app: string, fn: string): string {
  return `${app}/${fn}`;
}

/** One draw from a function's percentile points, whole ms. */
export function sampleDuration(points: Float64Array, rng: Rng): number {
  const u = rng.next();
  let i = 1;
  while (i < quantiles.length - 1 && u > quantiles[i]!) i++;
  const q0 = quantiles[i - 1]!;
  const q1 = quantiles[i]!;
  const v0 = points[i - 1]!;
  const v1 = points[i]!;
  return Math.round(v0 + ((u - q0) / (q1 - q0)) * (v1 - v0));
}

/** Reads the durations file (a header naming HashApp, HashFunction and the percentile columns). */
export function readDurations(path: string, file = path): DurationTable {
  const reader = new LineReader(path, file);
  const table: DurationTable = new Map();
  try {
    const head = reader.next();
    if (head === null) throw reader.invalid(1, "the durations file is empty; expected a header");
    const names = head.split(",");
    const at = (name: string): number => {
      const i = names.indexOf(name);
      if (i === -1) throw reader.invalid(1, `the header has no ${name} column`);
      return i;
    };
    const appCol = at("HashApp");
    const fnCol = at("HashFunction");
    const pointCols = columns.map(at);
    for (let fields = reader.nextRow(); fields !== null; fields = reader.nextRow()) {
      expectFields(reader, fields, names.length, "as in the header");
      const points = new Float64Array(pointCols.map((c, i) => amountField(reader, fields, c, columns[i]!)));
      points.sort();
      table.set(durationKey(fields[appCol]!, fields[fnCol]!), points);
    }
  } finally {
    reader.close();
  }
  return table;
}
