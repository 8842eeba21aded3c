/**
 * No replica may outlive the server. Every live replica process group is tracked here, in memory
 * and in `<stateDir>/replicas.json` (rewritten atomically on each change), with the leader's
 * start time from /proc so that a pid reused by an unrelated process is never killed. At startup
 * the groups a dead server left behind are SIGKILLed; `killAllSync` serves the server's
 * `process.on("exit")` handler, where only synchronous work runs.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../../kit/log.js";
import { procAvailable, readStartTime } from "./proc-fs.js";

export interface RegistryEntry {
  pid: number;
  /** Process group id; equal to pid, as replicas lead their own group. */
  pgid: number;
  /** Leader's start time from /proc (clock ticks after boot), null where /proc is absent. */
  startTime: string | null;
  app: string;
  replica: string;
}

interface RegistryFile {
  owner: { pid: number; startTime: string | null };
  replicas: RegistryEntry[];
}

export class ProcessRegistry {
  readonly file: string;
  #log: Logger;
  /** Keyed by pid; bounded by the live replicas. */
  #live = new Map<number, RegistryEntry>();

  constructor(file: string, log: Logger) {
    this.file = file;
    this.#log = log;
  }

  /**
   * Kills the groups listed by a previous server that is no longer running, then takes the file
   * over. A group is killed only if its leader still has the recorded start time. Returns the
   * number of groups killed.
   */
  cleanupOrphans(): number {
    let previous: RegistryFile | null = null;
    try {
      previous = JSON.parse(readFileSync(this.file, "utf8")) as RegistryFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.#log.warn("unreadable replica registry ignored", { file: this.file, err });
    }
    let killed = 0;
    const owner = previous?.owner;
    if (owner && owner.pid !== process.pid && owner.startTime !== null && readStartTime(owner.pid) === owner.startTime) {
      this.#log.warn("replica registry belongs to a running server; leaving its replicas alone", { file: this.file, pid: owner.pid });
    } else {
      for (const e of Array.isArray(previous?.replicas) ? previous.replicas : []) {
        if (this.#isSameProcess(e) && signalGroup(e.pgid, "SIGKILL")) {
          killed++;
          this.#log.info("killed a replica left by a previous server", { app: e.app, replica: e.replica, pid: e.pid });
        }
      }
    }
    this.#write();
    return killed;
  }

  add(entry: RegistryEntry): void {
    this.#live.set(entry.pid, entry);
    this.#write();
  }

  remove(pid: number): void {
    if (this.#live.delete(pid)) this.#write();
  }

  live(): RegistryEntry[] {
    return [...this.#live.values()];
  }

  /** SIGKILLs every live group and empties the registry, synchronously. Idempotent. */
  killAllSync(): void {
    if (this.#live.size === 0) return;
    for (const e of this.#live.values()) signalGroup(e.pgid, "SIGKILL");
    this.#live.clear();
    this.#write();
  }

  #isSameProcess(e: RegistryEntry): boolean {
    if (!Number.isInteger(e?.pid) || !Number.isInteger(e?.pgid) || e.pgid <= 1) return false;
    if (!procAvailable || e.startTime === null) {
      this.#log.warn("cannot verify a replica left by a previous server; not killing it", { pid: e.pid });
      return false;
    }
    return readStartTime(e.pid) === e.startTime;
  }

  #write(): void {
    const body: RegistryFile = { owner: { pid: process.pid, startTime: readStartTime(process.pid) }, replicas: this.live() };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(body, null, 1) + "\n");
      renameSync(tmp, this.file);
    } catch (err) {
      this.#log.warn("could not write the replica registry", { file: this.file, err });
    }
  }
}

/**
 * Sends a signal to a whole process group; false if the group is gone. Group ids 0 and 1 are
 * refused: kill(0) and kill(-1) would signal ebb's own group or every process.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
