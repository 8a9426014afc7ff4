import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartPalette } from './chart-palette.ts';

export interface DailyPoint {
  day: string;
  prsSubmitted: number;
  prsMerged: number;
  highRiskPrs: number;
}

/** An author's PRs per day: submitted as bars, merged and high-risk as lines (uPlot). */
export function DailyChart({ days, label, width = 760, height = 180 }: { days: DailyPoint[]; label: string; width?: number; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || !days.length) return;
    const { accent, muted, healthy, down } = chartPalette();
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: true, live: false },
        cursor: { points: { show: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.15)] } },
        axes: [{ stroke: muted, grid: { show: false } }, { stroke: muted, size: 36, values: (_u, vals) => vals.map((v) => (Number.isInteger(v) ? String(v) : '')) }],
        series: [
          {},
          { label: 'submitted', stroke: accent, fill: `${accent}55`, paths: uPlot.paths.bars!({ size: [0.7, 30] }), points: { show: false } },
          { label: 'merged', stroke: healthy, width: 1.5, points: { show: false } },
          { label: 'high risk', stroke: down, width: 1.5, dash: [4, 3], points: { show: false } },
        ],
      },
      [days.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000), days.map((d) => d.prsSubmitted), days.map((d) => d.prsMerged), days.map((d) => d.highRiskPrs)],
      el.current,
    );
    return () => plot.destroy();
  }, [days, width, height]);
  if (!days.length) return <div className="muted">No days in this window.</div>;
  return <div ref={el} role="img" aria-label={label} />;
}
