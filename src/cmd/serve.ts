/**
 * `ebb serve`: runs the platform in the foreground until interrupted. Prints where the console,
 * the API and each app are, deploys the manifests named with `--deploy`, and on SIGINT/SIGTERM
 * drains (a second signal, or the drain bound, stops at once). No replica outlives it: an exit
 * handler kills every replica process group, whatever ends the process.
 */
import { createLogger } from "../kit/log.js";
import { isEbbError } from "../kit/errors.js";
import { loadManifests, parseArgs, type CommandHandler } from "../cli/index.js";
import { loadServeConfig } from "./config.js";
import { startServer } from "./server.js";

/** How long a graceful stop may take before everything is killed. */
const drainBoundMs = 30_000;

const flags = {
  port: { type: "string", value: "PORT", description: "gateway port (default 8080; 0 picks a free one)" },
  "control-port": { type: "string", value: "PORT", description: "API and console port (default 7070)" },
  host: { type: "string", value: "ADDR", description: "address to bind (default 127.0.0.1)" },
  config: { type: "string", value: "FILE", description: "YAML or JSON settings (autoscaler, gateway, runtime sections)" },
  deploy: { type: "string", value: "PATH", description: "manifest or folder of manifests to deploy at start (more as positionals)" },
  "log-level": { type: "string", value: "LEVEL", description: "debug, info, warn or error (default info)" },
} as const;

export const serveCommand: CommandHandler = {
  summary: "run ebb: gateway, autoscaler, replicas, API and console",
  async run(args, ctx) {
    const { io } = ctx;
    const parsed = parseArgs(args, { ...flags, help: { type: "boolean", short: "h", description: "show this help" } }, "serve");
    if (parsed.flags.help) {
      io.stdout.write(serveHelp());
      return 0;
    }
    const f = parsed.flags;
    const config = loadServeConfig({
      cwd: io.cwd,
      env: io.env,
      flags: {
        dataDir: ctx.dataDir,
        port: f.port as string | undefined,
        controlPort: f["control-port"] as string | undefined,
        host: f.host as string | undefined,
        logLevel: f["log-level"] as string | undefined,
        config: f.config as string | undefined,
        deploy: [...(typeof f.deploy === "string" ? [f.deploy] : []), ...parsed.positionals],
      },
    });
    const log = createLogger({ level: config.logLevel });
    const baseEnv = Object.fromEntries(Object.entries(io.env).filter((e): e is [string, string] => typeof e[1] === "string"));
    const server = await startServer(config, { log, baseEnv });
    process.on("exit", () => server.destroy());

    io.stdout.write(
      [
        "ebb is running",
        `  console   ${server.apiUrl}/   (sign in with the token: npx ebb token)`,
        `  API       ${server.apiUrl}/api/v1`,
        `  apps      ${server.appUrl("<app>")}/`,
        `  data      ${server.dataDir}`,
        "",
      ].join("\n"),
    );
    for (const app of server.control.listApps()) io.stdout.write(`  ${app.name.padEnd(20)} ${app.url}/   (restored)\n`);
    if (config.deploy.length) {
      try {
        const manifests = await loadManifests(config.deploy, io.cwd);
        const results = await server.control.deploy(manifests.flatMap((m) => m.apps));
        for (const r of results) io.stdout.write(`  ${r.name.padEnd(20)} ${r.url}/   (${r.outcome}, revision ${r.revision})\n`);
      } catch (err) {
        io.stderr.write(`error: ${isEbbError(err) || err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    io.stdout.write("\nPress Ctrl-C to stop.\n");
    return waitForStop(server, log);
  },
};

function waitForStop(server: { close(): Promise<void>; destroy(): void }, log: ReturnType<typeof createLogger>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn("second signal: stopping at once", { signal });
        server.destroy();
        return resolve(130);
      }
      stopping = true;
      log.info("stopping: draining requests and replicas", { signal });
      const bound = setTimeout(() => {
        log.warn("drain took too long: stopping at once", { boundMs: drainBoundMs });
        server.destroy();
        resolve(1);
      }, drainBoundMs);
      server.close().then(
        () => {
          clearTimeout(bound);
          resolve(0);
        },
        (err) => {
          log.error("stop failed", { err });
          server.destroy();
          resolve(1);
        },
      );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGHUP", () => stop("SIGHUP"));
  });
}

function serveHelp(): string {
  const lines = Object.entries(flags).map(([name, s]) => `  --${name} ${s.value}`.padEnd(28) + s.description);
  return [
    "usage: ebb serve [PATH...] [flags]",
    "",
    "Runs ebb in the foreground: the gateway (apps at http://<app>.localhost:8080), the API and",
    "console (http://127.0.0.1:7070), the autoscaler and the replicas. PATHs (or --deploy) are",
    "manifests or folders of manifests deployed once it is up. Apps deployed before are restored.",
    "",
    ...lines,
    "  --data-dir DIR".padEnd(28) + "where ebb keeps its database, token and logs (default .ebb)",
    "",
  ].join("\n");
}
