// Words and figures as an operator reads them (pure: used by the renderer and its tests).
const formatNumber = (n: number) => (Number.isFinite(n) ? new Intl.NumberFormat('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 }).format(n) : '—');

/** camelCase / snake_case keys as words: "rateRemaining" → "rate remaining". */
export const humanKey = (k: string) => k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();

/** Any figure as text an operator reads: numbers grouped, objects as "key: value" pairs, never a JSON blob. */
export function readable(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.length ? v.map(readable).join(', ') : '—';
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${humanKey(k)}: ${x !== null && typeof x === 'object' && !Array.isArray(x) ? `(${readable(x)})` : readable(x)}`)
    .join(' · ');
}

/** "1 row", "2 rows", "1,200 rows": the count with its noun, singular when it is one. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
