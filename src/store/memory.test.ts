/**
 * The in-memory fake against the shared contract, plus what matters for a fake used across
 * many unit tests: stores share no state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemoryStore } from "./memory.js";
import { storeContract } from "./contract.js";

storeContract("memory", (limits) => createMemoryStore(limits));

test("two memory stores share nothing, event ids included", async () => {
  const a = createMemoryStore();
  const b = createMemoryStore();
  a.setMeta("k", "a");
  a.appendEvent({ app: "x", type: "Deployed", time: "2025-01-01T00:00:00.000Z", revision: 1, message: "m", data: {} });
  const first = b.appendEvent({ app: "x", type: "Deployed", time: "2025-01-01T00:00:00.000Z", revision: 1, message: "m", data: {} });
  assert.equal(b.getMeta("k"), undefined);
  assert.equal(first.id, 1);
  await Promise.all([a.close(), b.close()]);
});
