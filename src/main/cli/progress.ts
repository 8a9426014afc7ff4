import type { JobRun } from '../../shared/contract/jobs.ts';
import type { OpsApi } from '../../shared/rpc/api.ts';

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

function eta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  return s < 60 ? ` · ETA ${Math.round(s)} s` : ` · ETA ${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** One status line for a job: a bar on a terminal, plain periodic lines for cron logs. */
export function progressLine(run: JobRun, extras: (extra: Record<string, unknown>) => string = () => ''): string {
  const p = run.progress;
  const pct = p.total ? Math.min(1, p.done / p.total) : null;
  const bar = pct === null ? '' : `[${'#'.repeat(Math.round(pct * 24)).padEnd(24, '-')}] ${(pct * 100).toFixed(0).padStart(3)}% `;
  const count = `${fmt(p.done)}${p.total !== null ? `/${fmt(p.total)}` : ''} ${p.unit}`;
  const rate = p.ratePerSec ? ` · ${fmt(p.ratePerSec)}/s` : '';
  const extra = extras(p.extra);
  return `${bar}${count}${rate}${eta(p.etaSeconds)}${extra ? ` · ${extra}` : ''}${p.message ? ` · ${p.message}` : ''}`;
}

/** Renders a job's progress on stderr until it finishes; Ctrl+C cancels it. */
export async function followJob(opts: {
  ops: OpsApi;
  run: JobRun;
  extras?: (extra: Record<string, unknown>) => string;
  /** Sees every update first (e.g. to print step changes in cron logs). */
  onUpdate?: (run: JobRun) => void;
  /** What Ctrl+C does: cancel (default) or pause at the next checkpoint. */
  interrupt?: 'cancel' | 'pause';
}): Promise<JobRun> {
  const { ops, run } = opts;
  if (run.attempt > 1) process.stderr.write(`Resuming interrupted run ${run.id} (attempt ${run.attempt})\n`);
  const subscribe = (handler: (r: JobRun) => void) =>
    ops.subscribe('jobs.changed', { runId: run.id }, (r) => {
      opts.onUpdate?.(r);
      handler(r);
    });
  const tty = Boolean(process.stderr.isTTY);
  let last = 0;
  let cancelled = false;
  const draw = (run: JobRun, force = false) => {
    const now = Date.now();
    if (!force && now - last < (tty ? 100 : 2000)) return;
    last = now;
    const line = progressLine(run, opts.extras);
    if (tty) process.stderr.write(`\r\u001b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else process.stderr.write(`${new Date().toISOString()} ${run.status} ${line}\n`);
  };
  const onSigint = () => {
    if (cancelled) process.exit(130);
    cancelled = true;
    if (opts.interrupt === 'pause') {
      process.stderr.write('\nPausing at the next checkpoint (resume it later; press Ctrl+C again to quit now)…\n');
      void ops.jobs.pause({ runId: run.id });
    } else {
      process.stderr.write('\nCancelling (the run can be resumed later; press Ctrl+C again to quit now)…\n');
      void ops.jobs.cancel({ runId: run.id });
    }
  };
  process.on('SIGINT', onSigint);
  try {
    return await new Promise<JobRun>((resolve) => {
      const finished = (r: JobRun) => ['succeeded', 'incomplete', 'failed', 'cancelled', 'interrupted'].includes(r.status);
      const off = subscribe((r) => {
        draw(r, finished(r));
        if (finished(r)) {
          off();
          resolve(r);
        }
      });
      void ops.jobs.get({ runId: run.id }).then((r) => {
        if (finished(r)) {
          off();
          resolve(r);
        }
      });
    });
  } finally {
    process.off('SIGINT', onSigint);
    if (tty) process.stderr.write('\n');
  }
}
