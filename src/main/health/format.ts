// Numbers as the operator reads them in a one-line summary.

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function fmtSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${+s.toFixed(s < 10 ? 2 : 1)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : +v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function fmtPct(ratio: number, digits = 1): string {
  return `${+(ratio * 100).toFixed(digits)} %`;
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "in 12 min (14:05 UTC)" for a reset time. */
export function fmtReset(resetAt: Date, now = Date.now()): string {
  const s = Math.max(0, (resetAt.getTime() - now) / 1000);
  return `in ${fmtSeconds(s)} (${resetAt.toISOString().slice(11, 16)} UTC)`;
}

/** First line of a message, trimmed to `max` characters. */
export function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
