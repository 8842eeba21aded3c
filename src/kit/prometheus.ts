/**
 * A writer of the Prometheus text exposition format, version 0.0.4 (the `text/plain;
 * version=0.0.4` answer of a `/metrics` endpoint). It knows metric families (counter, gauge,
 * histogram), `# HELP` / `# TYPE` lines, label escaping and value spelling, and nothing of what
 * is measured: callers bring names, help texts and numbers.
 *
 * The format's rules kept here: all samples of a family follow its HELP and TYPE lines; label
 * values escape `\`, `"` and newline; HELP text escapes `\` and newline; a histogram writes
 * cumulative `_bucket{le=...}` lines ending with `le="+Inf"` (equal to `_count`), then `_sum`
 * and `_count`. Names are checked against the data model's patterns, so a typo fails loudly.
 */

export type MetricType = "counter" | "gauge" | "histogram";

/** Label names to values, written in the object's key order. */
export type Labels = Readonly<Record<string, string>>;

export interface HistogramValue {
  /** Upper bounds (`le`) in increasing order; the final +Inf bucket is implied by `count`. */
  bounds: readonly number[];
  /** Cumulative counts, one per bound. */
  cumulative: readonly number[];
  sum: number;
  count: number;
}

export interface SampleFamily {
  /** Adds one sample; returns the family for chaining. */
  add(labels: Labels, value: number): SampleFamily;
}

export interface HistogramFamily {
  add(labels: Labels, value: HistogramValue): HistogramFamily;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A value as the format spells it: `NaN`, `+Inf`, `-Inf`, or a decimal number. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\\" ? "\\\\" : c === '"' ? '\\"' : "\\n"));
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\\" ? "\\\\" : "\\n"));
}

/** `{a="x",b="y"}`, or "" for no labels. `extra` is appended as is (e.g. `le="0.5"`). */
function labelText(labels: Labels, extra = ""): string {
  let out = "";
  for (const key in labels) {
    if (!labelName.test(key) || key.startsWith("__")) throw new TypeError(`invalid Prometheus label name '${key}'`);
    out += `${out ? "," : ""}${key}="${escapeLabelValue(labels[key]!)}"`;
  }
  if (extra) out += `${out ? "," : ""}${extra}`;
  return out ? `{${out}}` : "";
}

/**
 * Collects families and renders them as one text. Each family is started once; starting a name
 * twice throws, since the format forbids a family split in two.
 */
export class PrometheusText {
  readonly #chunks: string[] = [];
  readonly #names = new Set<string>();

  counter(name: string, help: string): SampleFamily {
    return this.#samples(name, "counter", help);
  }

  gauge(name: string, help: string): SampleFamily {
    return this.#samples(name, "gauge", help);
  }

  histogram(name: string, help: string): HistogramFamily {
    this.#start(name, "histogram", help);
    const chunks = this.#chunks;
    const family: HistogramFamily = {
      add(labels, h) {
        if (h.cumulative.length !== h.bounds.length) throw new TypeError(`histogram ${name}: ${h.bounds.length} bounds but ${h.cumulative.length} counts`);
        if (Object.hasOwn(labels, "le")) throw new TypeError(`histogram ${name}: 'le' is reserved for bucket bounds`);
        let lines = "";
        for (let i = 0; i < h.bounds.length; i++) {
          if (i > 0 && !(h.bounds[i]! > h.bounds[i - 1]!)) throw new TypeError(`histogram ${name}: bounds must increase`);
          lines += `${name}_bucket${labelText(labels, `le="${formatValue(h.bounds[i]!)}"`)} ${formatValue(h.cumulative[i]!)}\n`;
        }
        lines += `${name}_bucket${labelText(labels, 'le="+Inf"')} ${formatValue(h.count)}\n`;
        const plain = labelText(labels);
        lines += `${name}_sum${plain} ${formatValue(h.sum)}\n${name}_count${plain} ${formatValue(h.count)}\n`;
        chunks.push(lines);
        return family;
      },
    };
    return family;
  }

  /** The exposition: every family in the order started, each line ending in `\n`. */
  text(): string {
    return this.#chunks.join("");
  }

  #samples(name: string, type: MetricType, help: string): SampleFamily {
    this.#start(name, type, help);
    const chunks = this.#chunks;
    const family: SampleFamily = {
      add(labels, value) {
        chunks.push(`${name}${labelText(labels)} ${formatValue(value)}\n`);
        return family;
      },
    };
    return family;
  }

  #start(name: string, type: MetricType, help: string): void {
    if (!metricName.test(name)) throw new TypeError(`invalid Prometheus metric name '${name}'`);
    if (this.#names.has(name)) throw new TypeError(`metric family '${name}' was already written`);
    this.#names.add(name);
    this.#chunks.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
  }
}
