/**
 * An app's log lines read back from its replica files (`<logDir>/<app>/<replica>.log`, and the
 * rotated `.log.1`), for the lines the in-memory tail no longer holds: the tail of an app whose
 * replicas are all gone is dropped (runtime.ts), and so is one pushed out by `logTailApps`, and
 * the files outlive a server restart. Each file line is `<ISO time> <stream> <text>`
 * (slot.ts writes them); a line without that prefix (the note about lines dropped on a slow
 * disk) is shown as a system line at the time of the line after it.
 *
 * Files are read backwards in blocks, newest file first (by modification time), and reading
 * stops once `limit` lines older than `beforeMs` are found and no unread file can hold a newer
 * one, or after `maxReadBytes`. It reads synchronously: logs() answers an API call, and the
 * bound keeps the call short.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LogLine } from "../types.js";

export interface HistoryQuery {
  /** Only lines strictly older than this, ms epoch (the oldest line still in memory). */
  beforeMs: number;
  /** The newest lines wanted, at most. */
  limit: number;
  /** Only this replica's lines. */
  replica?: string;
}

/** Bytes read per block, from the end of a file. */
const blockBytes = 64 * 1024;
const linePattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (stdout|stderr|system) (.*)$/s;

/** The newest `limit` lines older than `beforeMs` across the app's files, oldest first. */
export function readLogHistory(appDir: string, app: string, q: HistoryQuery, maxReadBytes: number): LogLine[] {
  if (q.limit <= 0) return [];
  const files = listFiles(appDir, q.replica);
  /** The newest lines found so far, newest first, at most `limit`. */
  let found: LogLine[] = [];
  let budget = maxReadBytes;
  for (const file of files) {
    // A file last written before the oldest line kept holds nothing newer, nor do older files.
    if (found.length >= q.limit && file.mtimeMs < found[found.length - 1]!.time) break;
    const read = readLinesBackwards(file.path, file.replica, app, q, budget);
    budget -= read.bytes;
    found = found.concat(read.lines).sort((a, b) => b.time - a.time).slice(0, q.limit);
    if (budget <= 0) break;
  }
  return found.reverse();
}

interface LogFileInfo {
  path: string;
  replica: string;
  mtimeMs: number;
}

function listFiles(appDir: string, replica: string | undefined): LogFileInfo[] {
  let names: string[];
  try {
    names = readdirSync(appDir);
  } catch {
    return [];
  }
  const files: LogFileInfo[] = [];
  for (const name of names) {
    const m = /^(.+)\.log(\.1)?$/.exec(name);
    if (!m || (replica !== undefined && m[1] !== replica)) continue;
    try {
      files.push({ path: join(appDir, name), replica: m[1]!, mtimeMs: statSync(join(appDir, name)).mtimeMs });
    } catch {
      // Rotated or removed between the listing and the stat.
    }
  }
  return files.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** Lines older than q.beforeMs, from the end of one file, until q.limit of them or the byte budget. */
function readLinesBackwards(path: string, replica: string, app: string, q: HistoryQuery, budget: number): { lines: LogLine[]; bytes: number } {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return { lines: [], bytes: 0 };
  }
  const lines: LogLine[] = [];
  let bytes = 0;
  try {
    let end = statSync(path).size;
    let carry = Buffer.alloc(0);
    let laterTime = Number.POSITIVE_INFINITY;
    while (end > 0 && lines.length < q.limit && bytes < budget) {
      const start = Math.max(0, end - blockBytes);
      const block = Buffer.alloc(end - start);
      readSync(fd, block, 0, block.length, start);
      bytes += block.length;
      const text = Buffer.concat([block, carry]);
      end = start;
      // Bytes before the first newline may be the end of a line that starts in the next block.
      let from = 0;
      if (start > 0) {
        const newline = text.indexOf(0x0a);
        carry = newline < 0 ? text : text.subarray(0, newline);
        if (newline < 0) continue;
        from = newline + 1;
      }
      const parts = text.subarray(from).toString("utf8").split("\n");
      for (let i = parts.length - 1; i >= 0 && lines.length < q.limit; i--) {
        const line = parseLine(parts[i]!, app, replica, laterTime);
        if (line === null) continue;
        laterTime = line.time;
        if (line.time < q.beforeMs) lines.push(line);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { lines, bytes };
}

function parseLine(text: string, app: string, replica: string, laterTime: number): LogLine | null {
  if (text === "") return null;
  const m = linePattern.exec(text);
  if (m) return { time: Date.parse(m[1]!), app, replica, stream: m[2] as LogLine["stream"], text: m[3]! };
  return Number.isFinite(laterTime) ? { time: laterTime, app, replica, stream: "system", text } : null;
}
