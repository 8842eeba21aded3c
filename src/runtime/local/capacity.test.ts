import { test } from "node:test";
import assert from "node:assert/strict";
import { CapacityPool, formatBytes } from "./capacity.js";

test("reservations fit the total, are released, and explain a shortage", () => {
  const pool = new CapacityPool({ cpu: 1, memoryBytes: 1024 ** 3 });
  const req = { cpu: 0.4, memoryBytes: 256 * 1024 ** 2 };
  assert.ok(pool.tryReserve(req));
  assert.ok(pool.tryReserve(req));
  assert.equal(pool.tryReserve(req), false, "1.2 CPU does not fit 1");
  assert.deepEqual(pool.used, { cpu: 0.8, memoryBytes: 512 * 1024 ** 2 });
  assert.equal(pool.describeShortage(req), "needs 0.4 CPU and 256 MiB; 0.8 of 1 CPU and 512 MiB of 1 GiB in use");
  pool.release(req);
  assert.ok(pool.tryReserve({ cpu: 0.6, memoryBytes: 0 }), "floating point sums still fit exactly");
  assert.equal(pool.tryReserve({ cpu: 0, memoryBytes: 1024 ** 3 }), false, "memory bounds too");
});

test("bytes read well", () => {
  assert.deepEqual([0, 1023, 1536, 5 * 1024 ** 3].map(formatBytes), ["0 B", "1023 B", "1.5 KiB", "5 GiB"]);
});
