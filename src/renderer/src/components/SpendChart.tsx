import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartPalette } from './chart-palette.ts';

const money = (v: number) => `$${v === 0 ? '0' : v < 0.1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : Math.round(v)}`;

/**
 * Daily spend as bars, the running month-to-date as a line, and the forecast as a dashed line
 * from today to the month's end (uPlot: canvas, cheap to redraw).
 */
export function SpendChart({ days, forecast, label, width = 720, height = 200 }: { days: { date: string; usd: number }[]; forecast: number; label: string; width?: number; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || !days.length) return;
    const { accent, muted, degraded: warn } = chartPalette();
    const xs = days.map((d) => Date.parse(`${d.date}T12:00:00Z`) / 1000);
    const today = new Date().toISOString().slice(0, 10);
    const todayIndex = days.findIndex((d) => d.date === today);
    let running = 0;
    const cumulative = days.map((d, i) => (todayIndex >= 0 && i > todayIndex ? null : (running += d.usd)));
    const projected = days.map((_, i) => {
      if (todayIndex < 0 || i < todayIndex) return null;
      const mtd = cumulative[todayIndex] ?? 0;
      return mtd + ((forecast - mtd) * (i - todayIndex)) / Math.max(1, days.length - 1 - todayIndex);
    });
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: true, live: false },
        cursor: { points: { show: false } },
        scales: { x: { time: true }, usd: { range: (_u, _min, max) => [0, Math.max(0.01, (max ?? 0) * 1.1)] }, total: { range: (_u, _min, max) => [0, Math.max(0.01, Math.max(max ?? 0, forecast) * 1.1)] } },
        axes: [
          { stroke: muted, grid: { show: false } },
          { scale: 'usd', stroke: muted, values: (_u, vals) => vals.map(money), size: 56 },
          { scale: 'total', side: 1, stroke: muted, grid: { show: false }, values: (_u, vals) => vals.map(money), size: 56 },
        ],
        series: [
          {},
          { label: 'per day', scale: 'usd', stroke: accent, fill: `${accent}55`, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } },
          { label: 'month to date', scale: 'total', stroke: muted, width: 1.5, points: { show: false } },
          { label: 'forecast', scale: 'total', stroke: warn, width: 1.5, dash: [5, 4], points: { show: false } },
        ],
      },
      [xs, days.map((d) => d.usd), cumulative, projected],
      el.current,
    );
    return () => plot.destroy();
  }, [days, forecast, width, height]);
  return <div ref={el} role="img" aria-label={label} />;
}
