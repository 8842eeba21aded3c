import { test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { ProcessMetrics } from "./telemetry-process.js";

test("process figures: memory, CPU time, start time, and event-loop delay since the last reading", async () => {
  const metrics = new ProcessMetrics(10);
  try {
    // Busy the loop for 30 ms so the monitor has a late run to report (after its first run,
    // which only starts its clock).
    await new Promise((r) => setTimeout(r, 25));
    const until = performance.now() + 30;
    while (performance.now() < until);
    await new Promise((r) => setTimeout(r, 25));
    const f = metrics.read();
    assert.ok(f.residentMemoryBytes > 1_000_000, `rss ${f.residentMemoryBytes}`);
    assert.ok(f.cpuSeconds > 0);
    assert.ok(Math.abs(f.startTimeSeconds * 1000 - performance.timeOrigin) < 1000);
    assert.ok(f.startTimeSeconds * 1000 <= Date.now());
    assert.ok(f.eventLoopLagMaxSeconds !== null && f.eventLoopLagMaxSeconds >= 0.015, `max lag ${f.eventLoopLagMaxSeconds}`);
    assert.ok(f.eventLoopLagSeconds !== null && f.eventLoopLagSeconds <= f.eventLoopLagMaxSeconds);
    // The reading started afresh: nothing seen yet.
    assert.equal(metrics.read().eventLoopLagSeconds, null);
  } finally {
    metrics.close();
    metrics.close();
  }
});
