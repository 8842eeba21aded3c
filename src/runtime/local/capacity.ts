/**
 * The machine's room for replicas, as a cluster's scheduler sees a node: each replica requests
 * `spec.resources` (CPU cores, memory bytes) and starts only if the sum of requests of running
 * replicas still fits `config.capacity`. A replica holds its reservation from the start attempt
 * until its process is gone, so draining and stopping replicas still count.
 */
import { memoryBytes } from "../../spec/quantity.js";
import type { AppSpec } from "../../spec/types.js";
import type { Capacity } from "./config.js";

/** What one replica asks for. */
export interface Request {
  cpu: number;
  memoryBytes: number;
}

/** What a replica of the spec asks for (the spec is validated, so its memory quantity parses). */
export function requestOf(spec: AppSpec): Request {
  return { cpu: spec.resources.cpu, memoryBytes: memoryBytes(spec.resources.memory) };
}

export class CapacityPool {
  readonly total: Readonly<Capacity>;
  #cpu = 0;
  #memoryBytes = 0;

  constructor(total: Capacity) {
    this.total = total;
  }

  get used(): Request {
    return { cpu: this.#cpu, memoryBytes: this.#memoryBytes };
  }

  fits(req: Request): boolean {
    const epsilon = 1e-9;
    return this.#cpu + req.cpu <= this.total.cpu + epsilon && this.#memoryBytes + req.memoryBytes <= this.total.memoryBytes;
  }

  /** Reserves the request if it fits; false (and nothing reserved) otherwise. */
  tryReserve(req: Request): boolean {
    if (!this.fits(req)) return false;
    this.#cpu += req.cpu;
    this.#memoryBytes += req.memoryBytes;
    return true;
  }

  release(req: Request): void {
    this.#cpu = Math.max(0, this.#cpu - req.cpu);
    this.#memoryBytes = Math.max(0, this.#memoryBytes - req.memoryBytes);
  }

  /** "needs 1 CPU and 512 MiB; 3.5 of 4 CPU and 1.2 of 6.4 GiB in use". */
  describeShortage(req: Request): string {
    const t = this.total;
    return (
      `needs ${round(req.cpu)} CPU and ${formatBytes(req.memoryBytes)}; ` +
      `${round(this.#cpu)} of ${round(t.cpu)} CPU and ${formatBytes(this.#memoryBytes)} of ${formatBytes(t.memoryBytes)} in use`
    );
  }
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${round(value)} ${units[i]}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
