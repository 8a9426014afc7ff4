// One way to show an estimate with its band, in the wizard, the CLI and the reports.
export interface Range {
  value: number;
  low: number;
  high: number;
}

/** "1,234 (1,180–1,290)"; an exact figure shows alone. */
export function formatRange(r: Range, format: (n: number) => string = (n) => Math.round(n).toLocaleString('en')): string {
  const [v, lo, hi] = [format(r.value), format(r.low), format(r.high)];
  return lo === hi && lo === v ? v : `${v} (${lo}–${hi})`;
}

export const formatUsd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
// Under 10 s to the tenth: a band of a few seconds stays visible.
export const formatSeconds = (s: number) => (s < 10 ? `${s.toFixed(1)} s` : s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);
