import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { DiskUsage } from '../../../src/shared/index.js';
import { formatBytes, formatTime } from '../lib/format.js';

/** Series colours come from CSS custom properties, so the chart follows the light/dark theme. */
function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** Disk use over time (logs, archive, other on the left axis; free space on the right), drawn by uPlot. */
export function DiskChart({ history }: { history: DiskUsage['history'] }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el || history.length < 2) return;
    const data: uPlot.AlignedData = [
      history.map((h) => Date.parse(h.ts) / 1000),
      history.map((h) => h.logs),
      history.map((h) => h.archive),
      history.map((h) => h.other),
      history.map((h) => h.freeBytes),
    ];
    const axisStroke = cssVar(el, '--fg-muted', '#666');
    const grid = { stroke: cssVar(el, '--grid', '#ddd'), width: 1 };
    const bytesAxis = (_u: uPlot, splits: number[]) => splits.map((v) => formatBytes(v));
    const series = (label: string, color: string, scale = 'bytes'): uPlot.Series => ({
      label,
      scale,
      stroke: color,
      width: 2,
      value: (_u, v) => (v === null ? '—' : formatBytes(v)),
    });
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: 260,
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '—' : formatTime(new Date(v * 1000).toISOString())) },
        series('logs', cssVar(el, '--c-logs', '#2f6fde')),
        series('archive', cssVar(el, '--c-archive', '#8a4fd8')),
        series('other', cssVar(el, '--c-other', '#a0a0a0')),
        { ...series('free', cssVar(el, '--c-free', '#2e9d5b'), 'free'), dash: [6, 4] },
      ],
      scales: {
        bytes: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        free: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        { stroke: axisStroke, grid, ticks: grid },
        { scale: 'bytes', stroke: axisStroke, grid, ticks: grid, values: bytesAxis, size: 70 },
        { scale: 'free', side: 1, stroke: axisStroke, grid: { show: false }, ticks: grid, values: bytesAxis, size: 70 },
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [history]);

  if (history.length < 2) {
    return (
      <p class="empty" data-testid="disk-chart-empty">
        Not enough history yet: samples are taken as the janitor runs.
      </p>
    );
  }
  return (
    <div
      ref={ref}
      class="disk-chart"
      data-testid="disk-chart"
      role="img"
      aria-label="Disk use over time: logs, archive, other and free space"
    />
  );
}
