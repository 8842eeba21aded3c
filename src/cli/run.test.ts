import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { EbbError } from "../api/client.js";
import { builtinCommands, runCli, type CommandContext, type CommandHandler } from "./index.js";

async function ebb(argv: string[], extra?: Record<string, CommandHandler>) {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { EBB_SERVER: "http://127.0.0.1:9", EBB_TOKEN: "t" },
    cwd: "/work/site",
  };
  const code = await runCli(argv, io, extra);
  return { code, stdout, stderr };
}

test("no command prints the help on stderr and exits 2; --help prints it on stdout", async () => {
  const bare = await ebb([]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /^Usage: ebb COMMAND/);
  const help = await ebb(["--help"]);
  assert.equal(help.code, 0);
  for (const c of builtinCommands) assert.match(help.stdout, new RegExp(`^  ${c.name} +${c.summary.replace(/[()]/g, ".")}$`, "m"));
  assert.equal((await ebb(["-h"])).stdout, help.stdout);
  assert.equal((await ebb(["help"])).stdout, help.stdout);
});

test("every command has --help with its usage, flags and the global flags", async () => {
  for (const c of builtinCommands) {
    const { code, stdout } = await ebb([c.name, "--help"]);
    assert.equal(code, 0, c.name);
    assert.match(stdout, new RegExp(`^Usage: ebb ${c.name}`), c.name);
    for (const flag of Object.keys(c.flags)) assert.match(stdout, new RegExp(`--${flag}\\b`), `${c.name} --${flag}`);
    assert.match(stdout, /Global flags:\n.*--server URL/s);
    assert.equal((await ebb(["help", c.name])).stdout, stdout);
  }
});

test("usage errors exit 2 naming the problem and pointing at the command's help", async () => {
  const cases: Array<[string[], string]> = [
    [["frob"], "error: unknown command 'frob'\nrun `ebb --help` for usage\n"],
    [["logs", "web", "--follw"], "error: unknown flag --follw\nrun `ebb logs --help` for usage\n"],
    [["get"], "error: missing APP (the app's name)\nrun `ebb get --help` for usage\n"],
    [["stop", "a", "b"], "error: unexpected argument 'b'\nrun `ebb stop --help` for usage\n"],
    [["events", "--limit", "0"], "error: --limit must be a whole number from 1 to 10000, got '0'\nrun `ebb events --help` for usage\n"],
    [["apps", "--json=1"], "error: --json takes no value (got '1')\nrun `ebb apps --help` for usage\n"],
    [["deploy", "a.yaml", "--timeout", "10"], 'error: --timeout must be a positive duration such as 90s, 10m or 1h; "10" has no unit; write "10s", or the number 10 for seconds\nrun `ebb deploy --help` for usage\n'],
    [["--server"], "error: --server needs a value (URL)\nrun `ebb --help` for usage\n"],
    [["help", "frob"], "error: unknown command 'frob'\nrun `ebb --help` for usage\n"],
  ];
  for (const [argv, stderr] of cases) {
    const res = await ebb(argv);
    assert.deepEqual(res, { code: 2, stdout: "", stderr }, argv.join(" "));
  }
});

test("global flags may come before or after the command", async () => {
  const before = await ebb(["--server", "http://127.0.0.1:9", "get", "--help"]);
  const after = await ebb(["get", "--help", "--token=x"]);
  assert.equal(before.code, 0);
  assert.equal(before.stdout, after.stdout);
});

test("added commands get their arguments without the global flags, and a context", async () => {
  const seen: Array<{ args: string[]; dataDir: string }> = [];
  const serve: CommandHandler = {
    summary: "Run the ebb server",
    async run(args: string[], ctx: CommandContext) {
      seen.push({ args, dataDir: ctx.dataDir });
      if (args.includes("--help")) ctx.io.stdout.write("Usage: ebb serve\n");
      return args.includes("--fail") ? 3 : 0;
    },
  };
  const help = await ebb(["--help"], { serve });
  assert.match(help.stdout, /^ {2}serve +Run the ebb server$/m);
  assert.equal((await ebb(["--data-dir", "state", "serve", "--deploy", "examples", "--token", "x"], { serve })).code, 0);
  assert.deepEqual(seen[0], { args: ["--deploy", "examples"], dataDir: join("/work/site", "state") });
  assert.equal((await ebb(["serve", "--fail"], { serve })).code, 3);
  assert.deepEqual(seen[1], { args: ["--fail"], dataDir: join("/work/site", ".ebb") });
  assert.equal((await ebb(["help", "serve"], { serve })).stdout, "Usage: ebb serve\n");
});

test("failures print one error line, never a stack", async () => {
  const boom: CommandHandler = {
    summary: "fails",
    async run() {
      throw new TypeError("something broke");
    },
  };
  const coded: CommandHandler = {
    summary: "fails with a code",
    async run() {
      throw new EbbError("SIM_OPTIONS_INVALID", "--trace is required");
    },
  };
  assert.deepEqual(await ebb(["boom"], { boom }), { code: 1, stdout: "", stderr: "error: something broke\n" });
  assert.deepEqual(await ebb(["coded"], { coded }), { code: 1, stdout: "", stderr: "error: --trace is required\n" });
  const invalid: CommandHandler = {
    summary: "an invalid spec",
    async run() {
      const problems = [{ path: "scaling.replicas", message: "max must be >= min" }, { path: "", message: "name is required" }];
      throw new EbbError("APP_SPEC_INVALID", "2 problems in the app spec", { problems });
    },
  };
  assert.equal((await ebb(["invalid"], { invalid })).stderr, "error: 2 problems in the app spec\n  scaling.replicas: max must be >= min\n  (spec): name is required\n");
});
