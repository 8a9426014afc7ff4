import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartPalette } from './chart-palette.ts';

/** Counts per time bucket as bars (uPlot); the x axis is UTC, like the log times beside it. */
export function TimeHistogram({ from, bucketMs, counts, label, height = 90 }: { from: number; bucketMs: number; counts: number[]; label: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = el.current;
    if (!box || !counts.length) return;
    const { accent, muted } = chartPalette();
    const xs = counts.map((_, i) => (from + i * bucketMs) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(300, box.clientWidth),
        height,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: true, range: () => [from / 1000, (from + counts.length * bucketMs) / 1000] }, y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.1)] } },
        axes: [
          { stroke: muted, grid: { show: false }, size: 24 },
          { stroke: muted, size: 44, grid: { stroke: `${muted}22` }, values: (_u, vals) => vals.map((v) => (Number.isInteger(v) ? v.toLocaleString() : '')) },
        ],
        series: [{}, { label: 'lines', stroke: accent, fill: `${accent}66`, paths: uPlot.paths.bars!({ size: [1, Infinity], align: 1 }), points: { show: false } }],
      },
      [xs, counts],
      box,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, box.clientWidth), height }));
    resize.observe(box);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [from, bucketMs, counts, height]);
  return <div ref={el} role="img" aria-label={label} style={{ width: '100%', minHeight: height }} />;
}
