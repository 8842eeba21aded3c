// Process helpers for the benchmarks: start a child and stop it by its pid (never by name),
// wait for conditions with a deadline, free loopback ports, and read memory and CPU from /proc.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** Every child started here, so that `stopAll` can end them on any exit path. */
const children = new Set();

/**
 * Spawns a child (no shell) in a process group of its own, so that stopping it also stops what
 * it started (nginx's worker, an app's children); stdout/stderr are kept in a bounded tail for
 * error messages.
 */
export function start(command, args, opts = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe", ...(opts.ipc ? ["ipc"] : [])], detached: true, ...opts.spawn });
  let tail = "";
  const keep = (chunk) => (tail = (tail + chunk).slice(-4000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  children.add(child);
  child.on("exit", () => children.delete(child));
  child.tail = () => tail;
  return child;
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the child has exited. */
export async function stop(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills every child still running (used on the way out). */
export function stopAllSync() {
  for (const child of children) signalGroup(child, "SIGKILL");
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (sync or async) every `everyMs` until it returns a truthy value; throws after timeoutMs. */
export async function waitFor(check, what, timeoutMs = 30_000, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A port that is free on 127.0.0.1 now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process in bytes (VmRSS), or null once it is gone. */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time used by a process so far (user + system), in seconds. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Runs a command to completion; resolves with { code, stdout, stderr }. */
export function run(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Resident memory of a process by kind of mapping (from /proc/<pid>/smaps), in bytes: `brk` (the
 * [heap] segment of malloc), `anon` (anonymous mappings: V8's heap pages, malloc's mmapped chunks
 * and thread arenas, thread stacks), `file` (the node binary, shared libraries, mapped files) and
 * `other` ([stack], [vdso], ...). Null once the process is gone.
 */
export function rssByKind(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return null;
  }
  const out = { brk: 0, anon: 0, file: 0, other: 0 };
  let kind = "other";
  for (const line of text.split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1].trim();
      kind = name === "" ? "anon" : name === "[heap]" ? "brk" : name.startsWith("/") ? "file" : "other";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]) * 1024;
  }
  return out;
}
