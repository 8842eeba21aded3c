import assert from "node:assert/strict";
import { test } from "node:test";
import { commandWithPort } from "./command.js";

test("$PORT and ${PORT} in arguments become the replica's port; nothing else changes", () => {
  const cases: Array<[string[], string[]]> = [
    [["python3", "-m", "http.server", "$PORT"], ["python3", "-m", "http.server", "8123"]],
    [["serve", "--listen=127.0.0.1:${PORT}"], ["serve", "--listen=127.0.0.1:8123"]],
    [["echo", "$PORT$PORT", "${PORT}-${PORT}"], ["echo", "81238123", "8123-8123"]],
    [["echo", "$PORTS", "$PORT_B", "$port", "${PORT", "$HOME", "$"], ["echo", "$PORTS", "$PORT_B", "$port", "${PORT", "$HOME", "$"]],
    [["node", "server.js"], ["node", "server.js"]],
  ];
  for (const [argv, want] of cases) assert.deepEqual(commandWithPort(argv, 8123), want, argv.join(" "));
});

test("the spec's command is not changed", () => {
  const argv = Object.freeze(["x", "$PORT"]);
  assert.deepEqual(commandWithPort(argv, 1), ["x", "1"]);
  assert.deepEqual(argv, ["x", "$PORT"]);
});
