/**
 * A bar that only moves when something is moving: an unknown total animates only while
 * `moving`; a pending or stopped step shows a still bar.
 */
export function ProgressBar({ done, total, label, moving = true }: { done: number; total: number | null; label?: string; moving?: boolean }) {
  const pct = total !== null && total > 0 ? Math.min(100, (done / total) * 100) : total === 0 ? 100 : null;
  const indeterminate = pct === null && moving;
  return (
    <div className="progress" role="progressbar" aria-label={label ?? 'progress'} aria-valuemin={0} aria-valuemax={total ?? undefined} aria-valuenow={total !== null ? done : undefined} data-indeterminate={indeterminate} data-moving={moving}>
      <div style={{ width: `${pct ?? (indeterminate ? 30 : 0)}%` }} />
    </div>
  );
}
