/**
 * One uPlot time chart with ebb's marks: cold starts (dashed) and changes of desired replicas
 * (solid, up or down) drawn as vertical lines across the plot. Colours come from the page's CSS
 * variables, and the chart is rebuilt when the colour scheme flips (prefers-color-scheme). Data
 * updates reuse the chart (setData); width follows the container.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import type { Marker } from "../model/chart-data.js";

export interface LineDef {
  label: string;
  values: Array<number | null>;
  /** A CSS custom property, e.g. "--c-desired". */
  color: string;
  stepped?: boolean;
  fill?: boolean;
  dash?: number[];
}

export interface TimeChartProps {
  id: string;
  title: string;
  /** Seconds. */
  time: number[];
  lines: LineDef[];
  markers: Marker[];
  /** [from, to] in seconds. */
  xRange: [number, number];
  format: (v: number) => string;
  /** Whole-number axis (replica counts). */
  integer?: boolean;
  height?: number;
}

const markColor: Record<Marker["kind"], string> = { "cold-start": "--c-cold", "scale-up": "--c-up", "scale-down": "--c-down" };

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

function useColorScheme(): string {
  const query = typeof matchMedia === "undefined" ? null : matchMedia("(prefers-color-scheme: dark)");
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = (): void => setDark(query.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  return dark ? "dark" : "light";
}

export function TimeChart(props: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const scheme = useColorScheme();
  const height = props.height ?? 150;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const text = cssVar("--muted");
    const grid = cssVar("--grid");
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: "11px system-ui, sans-serif" };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      padding: [8, 8, 0, 0],
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
      scales: {
        x: { time: true, range: () => latest.current.xRange },
        y: {
          range: (_u, _min, max) => {
            const top = latest.current.integer ? Math.max(1, Math.ceil(max)) + 0.5 : max > 0 ? max * 1.15 : 1;
            return [0, top];
          },
        },
      },
      axes: [
        { ...axis, values: (_u, splits) => splits.map((v) => timeLabel(v, latest.current.xRange)) },
        {
          ...axis,
          size: 60,
          ...(props.integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] } : {}),
          values: (_u, splits) => splits.map((v) => latest.current.format(v)),
        },
      ],
      series: [
        { value: (_u, v) => (v === null ? "-" : new Date(v * 1000).toLocaleTimeString()) },
        ...props.lines.map((l) => {
          const color = cssVar(l.color);
          return {
            label: l.label,
            stroke: color,
            width: 1.5,
            ...(l.fill ? { fill: color + "22" } : {}),
            ...(l.dash ? { dash: l.dash } : {}),
            ...(l.stepped ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
            points: { show: false },
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null ? "-" : latest.current.format(v)),
          };
        }),
      ],
      hooks: { draw: [(u) => drawMarkers(u, latest.current.markers)] },
    };
    const chart = new uPlot(opts, data(latest.current), el);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [scheme, props.lines.length, height]);

  useEffect(() => {
    plot.current?.setData(data(props));
  }, [props.time, props.lines, props.markers, props.xRange[0], props.xRange[1]]);

  const hasData = props.lines.some((l) => l.values.some((v) => v !== null && v > 0));
  return (
    <figure class="chart" data-chart={props.id} data-has-data={String(hasData)}>
      <figcaption>{props.title}</figcaption>
      <div ref={host} class="chart-plot" />
    </figure>
  );
}

/** "14:02:07" on ranges up to 30 min, "14:02" beyond. */
function timeLabel(sec: number, [from, to]: [number, number]): string {
  const d = new Date(sec * 1000);
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return to - from <= 1800 ? `${hm}:${String(d.getSeconds()).padStart(2, "0")}` : hm;
}

function data(p: TimeChartProps): uPlot.AlignedData {
  return [p.time, ...p.lines.map((l) => l.values)] as uPlot.AlignedData;
}

function drawMarkers(u: uPlot, markers: readonly Marker[]): void {
  const { left, top, width, height } = u.bbox;
  const ctx = u.ctx;
  const px = uPlot.pxRatio;
  for (const m of markers) {
    const x = Math.round(u.valToPos(m.time, "x", true));
    if (x < left || x > left + width) continue;
    ctx.save();
    ctx.strokeStyle = ctx.fillStyle = cssVar(markColor[m.kind]);
    ctx.lineWidth = px;
    ctx.setLineDash(m.kind === "cold-start" ? [4 * px, 3 * px] : []);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    const s = 4 * px;
    if (m.kind === "scale-down") {
      ctx.moveTo(x - s, top);
      ctx.lineTo(x + s, top);
      ctx.lineTo(x, top + s * 1.4);
    } else {
      ctx.moveTo(x - s, top + s * 1.4);
      ctx.lineTo(x + s, top + s * 1.4);
      ctx.lineTo(x, top);
    }
    ctx.fill();
    ctx.restore();
  }
}
