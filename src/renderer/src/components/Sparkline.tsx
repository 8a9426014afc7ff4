import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartPalette } from './chart-palette.ts';

/** A tiny latency trend (uPlot: canvas, fast with thousands of points). */
export function Sparkline({ points, width = 160, height = 32, label }: { points: [number, number | null][]; width?: number; height?: number; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const color = chartPalette().accent;
    plot.current = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ show: false }, { show: false }],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 1) * 1.15)] } },
        series: [{}, { stroke: color, width: 1.5, fill: `${color}22`, spanGaps: true, points: { show: false } }],
      },
      [[], []],
      el.current,
    );
    return () => plot.current?.destroy();
  }, [width, height]);
  useEffect(() => {
    plot.current?.setData([points.map((p) => p[0] / 1000), points.map((p) => p[1])]);
  }, [points]);
  return <div ref={el} role="img" aria-label={label} style={{ width, height }} />;
}
