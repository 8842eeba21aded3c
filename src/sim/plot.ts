/**
 * The sweep's trade-off as a hand-written SVG: cold-start rate (x, % of requests) against idle
 * replica-seconds (y), one labelled point per swept value, joined in sweep order, with both axes
 * ticked at "nice" steps (1, 2 or 5 x 10^k) from zero. No dependency: the picture is a few dozen
 * elements of SVG 1.1 that any browser or docs site shows.
 */

export interface PlotPoint {
  label: string;
  /** Cold-start waits, % of requests. */
  x: number;
  /** Idle replica-seconds. */
  y: number;
}

const width = 720;
const height = 440;
const margin = { left: 90, right: 30, top: 50, bottom: 60 };

/** Tick step near range / 5 among 1, 2, 5 x 10^k. */
export function niceStep(range: number): number {
  if (!(range > 0)) return 1;
  const raw = range / 5;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 4 });
}

export function sweepSvg(points: readonly PlotPoint[], opts: { title: string; xLabel?: string; yLabel?: string }): string {
  const xLabel = opts.xLabel ?? "cold-start waits (% of requests)";
  const yLabel = opts.yLabel ?? "idle replica-seconds";
  const xStep = niceStep(Math.max(...points.map((p) => p.x), 0));
  const yStep = niceStep(Math.max(...points.map((p) => p.y), 0));
  // 5 % of headroom, so that no point sits on the frame.
  const xMax = Math.max(xStep, Math.ceil((Math.max(...points.map((p) => p.x), 0) * 1.05) / xStep) * xStep);
  const yMax = Math.max(yStep, Math.ceil((Math.max(...points.map((p) => p.y), 0) * 1.05) / yStep) * yStep);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const px = (x: number): number => margin.left + (x / xMax) * plotW;
  const py = (y: number): number => margin.top + plotH - (y / yMax) * plotH;
  const r = (v: number): string => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(opts.title)}</text>`,
  ];
  for (let x = 0; x <= xMax + xStep / 1e6; x += xStep) {
    out.push(`<line x1="${r(px(x))}" y1="${margin.top}" x2="${r(px(x))}" y2="${margin.top + plotH}" stroke="#eee"/>`);
    out.push(`<line x1="${r(px(x))}" y1="${margin.top + plotH}" x2="${r(px(x))}" y2="${margin.top + plotH + 5}" stroke="black"/>`);
    out.push(`<text x="${r(px(x))}" y="${margin.top + plotH + 19}" text-anchor="middle">${fmt(x)}</text>`);
  }
  for (let y = 0; y <= yMax + yStep / 1e6; y += yStep) {
    out.push(`<line x1="${margin.left}" y1="${r(py(y))}" x2="${margin.left + plotW}" y2="${r(py(y))}" stroke="#eee"/>`);
    out.push(`<line x1="${margin.left - 5}" y1="${r(py(y))}" x2="${margin.left}" y2="${r(py(y))}" stroke="black"/>`);
    out.push(`<text x="${margin.left - 8}" y="${r(py(y) + 4)}" text-anchor="end">${fmt(y)}</text>`);
  }
  out.push(`<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="black"/>`);
  out.push(`<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="black"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 16}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  const yMid = margin.top + plotH / 2;
  out.push(`<text x="20" y="${yMid}" text-anchor="middle" transform="rotate(-90 20 ${yMid})">${escapeXml(yLabel)}</text>`);
  if (points.length > 1) {
    const path = points.map((p) => `${r(px(p.x))},${r(py(p.y))}`).join(" ");
    out.push(`<polyline points="${path}" fill="none" stroke="#4a7fb5" stroke-width="1.5"/>`);
  }
  const placed: Array<[number, number]> = [];
  for (const p of points) {
    out.push(`<circle cx="${r(px(p.x))}" cy="${r(py(p.y))}" r="4" fill="#1f4e79"/>`);
    // Points that (nearly) coincide get their labels stacked instead of drawn over each other.
    const lx = px(p.x) + 7;
    let ly = py(p.y) - 7;
    while (placed.some(([x, y]) => Math.abs(x - lx) < 40 && Math.abs(y - ly) < 13)) ly += 14;
    placed.push([lx, ly]);
    out.push(`<text x="${r(lx)}" y="${r(ly)}">${escapeXml(p.label)}</text>`);
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}
