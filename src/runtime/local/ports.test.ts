import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { PortAllocator, freePort } from "./ports.js";

test("a free port can be bound right after it is found", async () => {
  const port = await freePort("127.0.0.1");
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  server.close();
  assert.ok(port > 0);
});

test("the allocator never hands out a port it holds, until released", async () => {
  const offered = [5000, 5000, 5001, 5000];
  const ports = new PortAllocator("127.0.0.1", 8, async () => offered.shift()!);
  assert.equal(await ports.allocate(), 5000);
  assert.equal(await ports.allocate(), 5001, "5000 is held, so the next offer is taken");
  assert.equal(ports.held, 2);
  ports.release(5000);
  ports.release(null);
  assert.equal(await ports.allocate(), 5000);
});

test("the allocator gives up when every offer is held", async () => {
  const ports = new PortAllocator("127.0.0.1", 3, async () => 6000);
  await ports.allocate();
  await assert.rejects(ports.allocate(), /no free port on 127.0.0.1 after 3 attempts/);
});

test("an unusable host fails the allocation", async () => {
  await assert.rejects(new PortAllocator("192.0.2.1", 1).allocate(), /EADDRNOTAVAIL/);
});
