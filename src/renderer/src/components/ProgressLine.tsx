import type { JobRun } from '../../../shared/contract/jobs.ts';
import { currentStep, figures, type Figures } from '../../../shared/progress.ts';
import { formatDuration, formatNumber } from '../lib/format.ts';

/** "1,100 / 3,600 items · 31% · 23 items/s · ETA 1 min 50 s": the parts that are known. */
export function progressText(f: Figures): string {
  const parts = f.unit === '%' ? [`${Math.floor(f.done)}%`] : [`${formatNumber(f.done)}${f.total !== null ? ` / ${formatNumber(f.total)}` : ''} ${f.unit}`];
  if (f.percent !== null && f.unit !== '%') parts.push(`${Math.floor(f.percent)}%`);
  if (f.ratePerSec !== null && f.unit !== '%') parts.push(`${formatNumber(f.ratePerSec)} ${f.unit}/s`);
  if (f.etaSeconds !== null) parts.push(`ETA ${formatDuration(f.etaSeconds)}`);
  return parts.join(' · ');
}

/** A run's line; a run made of steps (a backfill) adds the current step's own figures. */
export function runProgressText(run: JobRun): string {
  const moving = run.status === 'running';
  const own = progressText(figures(run.progress, moving));
  const step = currentStep(run);
  if (!step || step.state === 'done' || step.state === 'skipped') return own;
  return `${own} — ${step.name}: ${progressText(figures(step, moving && step.state === 'running'))}`;
}

/** The short form for a table cell: "37% · sync 1,100/3,600 · ETA 2 min" (the full line goes in its tooltip). */
export function compactRunText(run: JobRun): string {
  const moving = run.status === 'running';
  const f = figures(run.progress, moving);
  const step = currentStep(run);
  const parts: string[] = [];
  if (f.unit === '%') parts.push(`${Math.floor(f.done)}%`);
  else parts.push(`${formatNumber(f.done)}${f.total !== null ? `/${formatNumber(f.total)}` : ''} ${f.unit}`, ...(f.percent !== null ? [`${Math.floor(f.percent)}%`] : []));
  if (step && step.state !== 'done' && step.state !== 'skipped') parts.push(`${step.name} ${formatNumber(step.done)}${step.total !== null ? `/${formatNumber(step.total)}` : ''}`);
  if (f.etaSeconds !== null) parts.push(`ETA ${formatDuration(f.etaSeconds)}`);
  return parts.join(' · ');
}

export function ProgressLine({ p, moving, label }: { p: Parameters<typeof figures>[0]; moving: boolean; label?: string }) {
  return (
    <span className="progress-line" aria-label={label} data-testid="progress-line">
      {progressText(figures(p, moving))}
    </span>
  );
}
