import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError, durationFlagMs, expectPositionals, intFlag, parseArgs, type FlagSpecs } from "./args.js";

const specs: FlagSpecs = {
  json: { type: "boolean", description: "" },
  follow: { type: "boolean", short: "f", description: "" },
  limit: { type: "string", short: "n", value: "N", description: "" },
  server: { type: "string", value: "URL", description: "" },
};

const usage = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof UsageError, String(err));
  assert.equal(err.code, "CLI_USAGE");
  assert.match(err.message, pattern);
  return true;
};

test("positionals, booleans, --x value, --x=value and short forms", () => {
  const parsed = parseArgs(["hello", "--json", "--limit", "5", "-f", "--server=http://h:1", "more", "-n", "7"], specs);
  assert.deepEqual(parsed, {
    positionals: ["hello", "more"],
    flags: { json: true, limit: "7", follow: true, server: "http://h:1" },
  });
});

test("-- ends flags; a lone - and negative numbers are positionals; = values may be empty or hold =", () => {
  assert.deepEqual(parseArgs(["--", "--json", "-f"], specs).positionals, ["--json", "-f"]);
  assert.deepEqual(parseArgs(["-", "-5"], specs).positionals, ["-", "-5"]);
  assert.deepEqual(parseArgs(["--server=a=b"], specs).flags.server, "a=b");
  assert.deepEqual(parseArgs(["--server="], specs).flags.server, "");
  assert.deepEqual(parseArgs(["--limit", "-1"], specs).flags.limit, "-1");
});

test("unknown flags, missing values and values on booleans are usage errors naming the flag", () => {
  assert.throws(() => parseArgs(["--jsn"], specs), usage(/^unknown flag --jsn$/));
  assert.throws(() => parseArgs(["-x"], specs), usage(/^unknown flag -x$/));
  assert.throws(() => parseArgs(["--bogus=1"], specs), usage(/^unknown flag --bogus$/));
  assert.throws(() => parseArgs(["--limit"], specs), usage(/^--limit needs a value \(N\)$/));
  assert.throws(() => parseArgs(["-n"], specs), usage(/^-n needs a value/));
  assert.throws(() => parseArgs(["--json=yes"], specs), usage(/^--json takes no value/));
});

test("the command is carried for the help hint", () => {
  assert.throws(() => parseArgs(["--nope"], specs, "logs"), (err) => err instanceof UsageError && err.command === "logs");
});

test("integer flags are checked against their range", () => {
  const p = (v: string) => parseArgs(["--limit", v], specs);
  assert.equal(intFlag(parseArgs([], specs), "limit", 20, 1, 100), 20);
  assert.equal(intFlag(p("50"), "limit", 20, 1, 100), 50);
  for (const bad of ["0", "101", "1.5", "abc", " "]) {
    assert.throws(() => intFlag(p(bad), "limit", 20, 1, 100), usage(/^--limit must be a whole number from 1 to 100/), bad);
  }
});

test("durations accept units and refuse bare numbers and zero", () => {
  const p = (v: string) => parseArgs(["--server", v], specs);
  assert.equal(durationFlagMs(parseArgs([], specs), "server", 600_000), 600_000);
  assert.equal(durationFlagMs(p("10m"), "server", 0), 600_000);
  assert.equal(durationFlagMs(p("1h30m"), "server", 0), 5_400_000);
  assert.equal(durationFlagMs(p("250ms"), "server", 0), 250);
  assert.throws(() => durationFlagMs(p("600"), "server", 0), usage(/has no unit/));
  assert.throws(() => durationFlagMs(p("0s"), "server", 0), usage(/positive duration/));
  assert.throws(() => durationFlagMs(p("soon"), "server", 0), usage(/not a duration/));
});

test("positional counts", () => {
  const parsed = parseArgs(["a", "b"], specs);
  assert.doesNotThrow(() => expectPositionals(parsed, 1, 2, "APP"));
  assert.throws(() => expectPositionals(parsed, 1, 1, "APP"), usage(/^unexpected argument 'b'$/));
  assert.throws(() => expectPositionals(parseArgs([], specs), 1, 1, "APP"), usage(/^missing APP$/));
});
