import { test } from "node:test";
import assert from "node:assert/strict";
import { niceStep, sweepSvg } from "./plot.js";

test("tick steps are 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceStep(10), 2);
  assert.equal(niceStep(3.1), 1);
  assert.equal(niceStep(2400), 500);
  assert.equal(niceStep(0), 1);
});

test("one labelled point per value, axes with ticks and titles, escaped text", () => {
  const svg = sweepSvg(
    [
      { label: "30", x: 12.5, y: 400 },
      { label: "600", x: 0.5, y: 3000 },
      { label: "<1h>", x: 0.1, y: 5000 },
    ],
    { title: "code & conv" },
  );
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<circle /g)?.length, 3);
  assert.match(svg, />30<\/text>/);
  assert.match(svg, />&lt;1h&gt;<\/text>/);
  assert.match(svg, /code &amp; conv/);
  assert.match(svg, />cold-start waits \(% of requests\)</);
  assert.match(svg, />idle replica-seconds</);
  assert.match(svg, />5,000<\/text>/, "the y axis reaches the largest value");
  assert.match(svg, />15<\/text>/, "the x axis reaches past 12.5 in steps of 5");
  assert.match(svg, /<polyline /);
  assert.match(svg, /<\/svg>\n$/);
});

test("a single point at the origin still gets axes with a tick at 0", () => {
  const svg = sweepSvg([{ label: "policy", x: 0, y: 0 }], { title: "one" });
  assert.equal(svg.match(/<circle /g)?.length, 1);
  assert.doesNotMatch(svg, /<polyline /);
  assert.doesNotMatch(svg, /NaN|Infinity/);
  assert.match(svg, />0<\/text>/);
});
