/**
 * Where `ebb` finds its server and token. Flags win, then the environment (given in io.env, never
 * read from process.env here), then the files `ebb serve` writes into its data directory:
 * `server.json` (`{ "api": "http://127.0.0.1:7070", "gateway": ..., "pid": ... }`) and `token`.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EbbError, createClient, type EbbClient } from "../api/client.js";

export const defaultServer = "http://127.0.0.1:7070";

export interface ConnectionFlags {
  server?: string | undefined;
  token?: string | undefined;
  dataDir?: string | undefined;
}

export interface Connection {
  server: string;
  token: string;
}

export function resolveDataDir(flags: ConnectionFlags, env: Record<string, string | undefined>, cwd: string): string {
  return resolve(cwd, flags.dataDir || env.EBB_DATA_DIR || ".ebb");
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The `api` URL in `<dataDir>/server.json`, if the file is there and says one. */
export function serverFromDataDir(dataDir: string): string | undefined {
  const text = readText(join(dataDir, "server.json"));
  if (text === undefined) return undefined;
  try {
    const api = (JSON.parse(text) as { api?: unknown }).api;
    return typeof api === "string" && api !== "" ? api : undefined;
  } catch {
    // A half-written file (the server is starting) counts as absent.
    return undefined;
  }
}

/** The token in `<dataDir>/token`, or CLI_TOKEN_MISSING naming the file. */
export function tokenFromDataDir(dataDir: string): string {
  const file = join(dataDir, "token");
  const token = readText(file)?.trim();
  if (!token) {
    throw new EbbError(
      "CLI_TOKEN_MISSING",
      `no API token: ${file} does not exist. Run \`ebb serve\` in this folder, point --data-dir (or EBB_DATA_DIR) at the server's data directory, or pass --token (or EBB_TOKEN)`,
      { file },
    );
  }
  return token;
}

export function resolveConnection(flags: ConnectionFlags, env: Record<string, string | undefined>, dataDir: string): Connection {
  const server = flags.server || env.EBB_SERVER || serverFromDataDir(dataDir) || defaultServer;
  const token = flags.token || env.EBB_TOKEN || tokenFromDataDir(dataDir);
  return { server, token };
}

/** A client made on first use, so commands that need no server (token, --help) never read files. */
export function lazyClient(flags: ConnectionFlags, env: Record<string, string | undefined>, dataDir: string): () => EbbClient {
  let client: EbbClient | undefined;
  return () => {
    if (!client) {
      const { server, token } = resolveConnection(flags, env, dataDir);
      client = createClient({ baseUrl: server, token });
    }
    return client;
  };
}
