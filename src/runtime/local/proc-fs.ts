/**
 * What the local runtime reads from Linux's /proc: a process's start time (to tell a replica from
 * a later process that reused its pid) and the resident memory of whole process groups (to
 * enforce memory limits without cgroups). Every function degrades to "unknown" where /proc is
 * absent (macOS) rather than failing.
 */
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

export const procAvailable: boolean = existsSync("/proc/self/stat");

export interface ProcStat {
  pid: number;
  /** One-letter state (R, S, Z, ...). */
  state: string;
  pgrp: number;
  /** Start time after boot, in clock ticks, as text (it can pass 2^53 on long uptimes). */
  startTime: string;
}

/**
 * Parses /proc/<pid>/stat (proc(5)). The command name (field 2) is in parentheses and may itself
 * hold spaces and parentheses, so fields are counted after its last ')'.
 */
export function parseStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const pid = Number.parseInt(text, 10);
  // After ')': field 3 (state) is rest[0]; pgrp is field 5, starttime field 22.
  const rest = text.slice(close + 2).split(" ");
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (!state || !Number.isInteger(pid) || !Number.isInteger(pgrp) || !startTime) return null;
  return { pid, state, pgrp, startTime };
}

/** The process's start time, or null if it does not exist or /proc is absent. */
export function readStartTime(pid: number): string | null {
  if (!procAvailable) return null;
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.startTime ?? null;
  } catch {
    return null;
  }
}

/** VmRSS from /proc/<pid>/status, bytes; 0 for zombies and kernel threads. */
export function parseStatusRssBytes(text: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Resident memory of each wanted process group, bytes (groups with no live process are absent).
 * One pass over /proc: a stat read per process to learn its group, then a status read only for
 * members of the wanted groups.
 */
export async function groupRssBytes(pgids: ReadonlySet<number>): Promise<Map<number, number>> {
  const totals = new Map<number, number>();
  if (!procAvailable || pgids.size === 0) return totals;
  const names = await readdir("/proc").catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      if (!/^\d+$/.test(name)) return;
      const stat = parseStat(await readFile(`/proc/${name}/stat`, "utf8").catch(() => ""));
      if (!stat || !pgids.has(stat.pgrp)) return;
      const rss = parseStatusRssBytes(await readFile(`/proc/${name}/status`, "utf8").catch(() => ""));
      totals.set(stat.pgrp, (totals.get(stat.pgrp) ?? 0) + rss);
    }),
  );
  return totals;
}
