/**
 * The server process's own figures for /metrics: resident memory, CPU time, start time, and
 * event-loop delay. The delay comes from `perf_hooks.monitorEventLoopDelay`, a histogram Node
 * fills from a timer of `resolutionMs`. Node records each whole interval between the timer's
 * runs, so the lag is that minus the resolution (a loop that is never late reads 0). Each
 * reading reports the delays since the previous one and starts afresh, as prom-client does.
 * `close()` stops the monitor's timer.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import type { ProcessFigures, ProcessPort } from "./telemetry-ports.js";

export class ProcessMetrics implements ProcessPort {
  readonly #delay: IntervalHistogram;
  readonly #resolutionNs: number;
  #closed = false;

  /** `resolutionMs`: the monitor's sampling period. Default 20 ms. */
  constructor(resolutionMs = 20) {
    this.#resolutionNs = resolutionMs * 1e6;
    this.#delay = monitorEventLoopDelay({ resolution: resolutionMs });
    this.#delay.enable();
  }

  read(): ProcessFigures {
    const cpu = process.cpuUsage();
    const h = this.#delay;
    // The histogram reports nanoseconds; with no samples yet its mean is NaN.
    const seen = h.count > 0;
    const lag = (ns: number): number => Math.max(0, ns - this.#resolutionNs) / 1e9;
    const figures: ProcessFigures = {
      residentMemoryBytes: process.memoryUsage.rss(),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      startTimeSeconds: Math.round(performance.timeOrigin) / 1000,
      eventLoopLagSeconds: seen ? lag(h.mean) : null,
      eventLoopLagP99Seconds: seen ? lag(h.percentile(99)) : null,
      eventLoopLagMaxSeconds: seen ? lag(h.max) : null,
    };
    h.reset();
    return figures;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#delay.disable();
  }
}
