/**
 * Streaming, synchronous reading of text traces, one line at a time, in 64 KiB chunks: memory
 * stays one chunk and one line whatever the file's size. Synchronous because the replay is a
 * tight loop over millions of rows and a promise per row would dominate it. Also the CSV helpers
 * every reader shares: splitting a row (traces have no quoting) and pointing at a field in the
 * `file:line:column: what` form of SIM_TRACE_INVALID.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { EbbError } from "../kit/errors.js";

const chunkBytes = 64 * 1024;

export class LineReader {
  readonly file: string;
  /** 1-based number of the line last returned; 0 before the first. */
  line = 0;
  #fd: number | null;
  readonly #buf = Buffer.allocUnsafe(chunkBytes);
  readonly #decoder = new StringDecoder("utf8");
  #text = "";
  #pos = 0;
  #eof = false;

  /** Opens `path`; `file` is the name used in messages (default: the path). */
  constructor(path: string, file = path) {
    this.file = file;
    try {
      this.#fd = openSync(path, "r");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new EbbError("SIM_OPTIONS_INVALID", `${file}: cannot read the trace file (${code})`, { file });
    }
  }

  /** The next line without its end-of-line (\n or \r\n), or null at the end of the file. */
  next(): string | null {
    for (;;) {
      const nl = this.#text.indexOf("\n", this.#pos);
      if (nl !== -1) {
        const end = nl > this.#pos && this.#text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        const out = this.#text.slice(this.#pos, end);
        this.#pos = nl + 1;
        this.line++;
        return out;
      }
      if (this.#eof) {
        if (this.#pos >= this.#text.length) return null;
        const rest = this.#text.slice(this.#pos).replace(/\r$/, "");
        this.#pos = this.#text.length;
        this.line++;
        return rest;
      }
      this.#fill();
    }
  }

  /** The next line that is not blank, split at its commas (traces have no quoting); null at the end. */
  nextRow(): string[] | null {
    for (let text = this.next(); text !== null; text = this.next()) if (text.trim() !== "") return text.split(",");
    return null;
  }

  /** Closes the file; idempotent. */
  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  /** A SIM_TRACE_INVALID error at this line and a 1-based column. */
  invalid(column: number, what: string): EbbError {
    return traceInvalid(this.file, this.line, column, what);
  }

  #fill(): void {
    if (this.#fd === null) {
      this.#eof = true;
      return;
    }
    const n = readSync(this.#fd, this.#buf, 0, chunkBytes, null);
    const rest = this.#text.slice(this.#pos);
    this.#pos = 0;
    if (n === 0) {
      this.#text = rest + this.#decoder.end();
      this.#eof = true;
      this.close();
    } else {
      this.#text = rest + this.#decoder.write(this.#buf.subarray(0, n));
    }
  }
}

/** `EbbError("SIM_TRACE_INVALID", "<file>:<line>:<column>: <what>")`. */
export function traceInvalid(file: string, line: number, column: number, what: string): EbbError {
  return new EbbError("SIM_TRACE_INVALID", `${file}:${line}:${column}: ${what}`, { file, line, column });
}

/** 1-based character column where field `index` of a comma-split row starts. */
export function fieldColumn(fields: readonly string[], index: number): number {
  let col = 1;
  for (let i = 0; i < index && i < fields.length; i++) col += fields[i]!.length + 1;
  return col;
}

/**
 * Checks that a row has exactly `count` fields; else SIM_TRACE_INVALID at its first extra field
 * or at the end of the line, saying `expected <count> fields <note>, got <n>`.
 */
export function expectFields(reader: LineReader, fields: readonly string[], count: number, note: string): void {
  if (fields.length === count) return;
  const col = fields.length > count ? fieldColumn(fields, count) : fields.join(",").length + 1;
  throw reader.invalid(col, `expected ${count} fields ${note}, got ${fields.length}`);
}

/** A field that must be a whole number >= 0, or a SIM_TRACE_INVALID naming it. */
export function countField(reader: LineReader, fields: readonly string[], index: number, name: string): number {
  const text = fields[index];
  if (text === undefined) throw reader.invalid(fieldColumn(fields, index), `missing ${name}`);
  const n = Number(text);
  if (text === "" || !Number.isInteger(n) || n < 0) {
    throw reader.invalid(fieldColumn(fields, index), `${name} must be a whole number >= 0, got "${text}"`);
  }
  return n;
}

/** A field that must be a finite number >= 0, or a SIM_TRACE_INVALID naming it. */
export function amountField(reader: LineReader, fields: readonly string[], index: number, name: string): number {
  const text = fields[index];
  if (text === undefined) throw reader.invalid(fieldColumn(fields, index), `missing ${name}`);
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw reader.invalid(fieldColumn(fields, index), `${name} must be a number >= 0, got "${text}"`);
  }
  return n;
}
