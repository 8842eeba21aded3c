import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeLabelValue, formatValue, PrometheusText } from "./prometheus.js";

test("counters and gauges: HELP and TYPE once, then one line per sample", () => {
  const p = new PrometheusText();
  p.counter("http_requests_total", "Requests answered.").add({ app: "a", code: "200" }, 3).add({ app: "b", code: "503" }, 1);
  p.gauge("temperature", "No labels at all.").add({}, 21.5);
  assert.equal(
    p.text(),
    [
      "# HELP http_requests_total Requests answered.",
      "# TYPE http_requests_total counter",
      'http_requests_total{app="a",code="200"} 3',
      'http_requests_total{app="b",code="503"} 1',
      "# HELP temperature No labels at all.",
      "# TYPE temperature gauge",
      "temperature 21.5",
      "",
    ].join("\n"),
  );
});

test("a family with no samples still declares itself", () => {
  const p = new PrometheusText();
  p.gauge("queue_depth", "Waiting.");
  assert.equal(p.text(), "# HELP queue_depth Waiting.\n# TYPE queue_depth gauge\n");
});

test("histograms: cumulative buckets, +Inf equal to count, then sum and count", () => {
  const p = new PrometheusText();
  p.histogram("latency_seconds", "Time taken.").add({ app: "a" }, { bounds: [0.1, 1], cumulative: [2, 5], sum: 3.25, count: 6 });
  assert.equal(
    p.text(),
    [
      "# HELP latency_seconds Time taken.",
      "# TYPE latency_seconds histogram",
      'latency_seconds_bucket{app="a",le="0.1"} 2',
      'latency_seconds_bucket{app="a",le="1"} 5',
      'latency_seconds_bucket{app="a",le="+Inf"} 6',
      'latency_seconds_sum{app="a"} 3.25',
      'latency_seconds_count{app="a"} 6',
      "",
    ].join("\n"),
  );
});

test("label values escape backslash, double quote and newline; HELP escapes backslash and newline", () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  const p = new PrometheusText();
  p.gauge("g", 'line one\nback\\slash "quoted"').add({ path: 'C:\\x "y"\n' }, 1);
  const lines = p.text().split("\n");
  assert.equal(lines[0], '# HELP g line one\\nback\\\\slash "quoted"');
  assert.equal(lines[2], 'g{path="C:\\\\x \\"y\\"\\n"} 1');
});

test("special values are spelled as the format wants", () => {
  assert.deepEqual([NaN, Infinity, -Infinity, 0, 1e-7, 12345678901234].map(formatValue), ["NaN", "+Inf", "-Inf", "0", "1e-7", "12345678901234"]);
});

test("bad names, a repeated family, reserved or mismatched histogram input throw", () => {
  const p = new PrometheusText();
  assert.throws(() => p.counter("9lives", "x"), /invalid Prometheus metric name/);
  assert.throws(() => p.gauge("ok", "x").add({ "bad-label": "v" }, 1), /invalid Prometheus label name/);
  assert.throws(() => p.gauge("ok2", "x").add({ __name__: "v" }, 1), /invalid Prometheus label name/);
  p.gauge("once", "x");
  assert.throws(() => p.gauge("once", "x"), /already written/);
  const h = p.histogram("h", "x");
  assert.throws(() => h.add({ le: "1" }, { bounds: [1], cumulative: [1], sum: 1, count: 1 }), /reserved/);
  assert.throws(() => h.add({}, { bounds: [1, 2], cumulative: [1], sum: 1, count: 1 }), /2 bounds but 1 counts/);
  assert.throws(() => h.add({}, { bounds: [2, 1], cumulative: [1, 1], sum: 1, count: 1 }), /bounds must increase/);
});
