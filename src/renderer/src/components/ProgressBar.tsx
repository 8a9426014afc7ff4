export function ProgressBar({ done, total, label }: { done: number; total: number | null; label?: string }) {
  const pct = total && total > 0 ? Math.min(100, (done / total) * 100) : null;
  return (
    <div className="progress" role="progressbar" aria-label={label ?? 'progress'} aria-valuemin={0} aria-valuemax={total ?? undefined} aria-valuenow={total ? done : undefined} data-indeterminate={pct === null}>
      <div style={{ width: `${pct ?? 30}%` }} />
    </div>
  );
}
