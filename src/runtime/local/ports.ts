/**
 * Free ports for replicas' $PORT. The kernel picks one (bind port 0, read it, close), which is
 * racy by nature: between our close and the app's bind another process may take it. The race
 * with other processes is rare and shows up as a crash the supervisor restarts; the race among
 * our own replicas is closed here by never handing out a port that a live replica holds.
 */
import { createServer } from "node:net";

export class PortAllocator {
  readonly host: string;
  /** Ports handed out and not yet released; bounded by the live replicas. */
  #held = new Set<number>();
  #attempts: number;
  #find: (host: string) => Promise<number>;

  /**
   * `attempts`: ports asked of the kernel before giving up when each one is already held
   * (default 8). `find` asks the kernel (tests replace it).
   */
  constructor(host: string, attempts = 8, find: (host: string) => Promise<number> = freePort) {
    this.host = host;
    this.#attempts = attempts;
    this.#find = find;
  }

  async allocate(): Promise<number> {
    for (let i = 0; i < this.#attempts; i++) {
      const port = await this.#find(this.host);
      if (!this.#held.has(port)) {
        this.#held.add(port);
        return port;
      }
    }
    throw new Error(`no free port on ${this.host} after ${this.#attempts} attempts`);
  }

  release(port: number | null): void {
    if (port !== null) this.#held.delete(port);
  }

  get held(): number {
    return this.#held.size;
  }
}

/** A port the kernel considers free on `host` right now. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not read a port bound on ${host}`))));
    });
  });
}
