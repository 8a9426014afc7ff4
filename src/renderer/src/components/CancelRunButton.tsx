import { useState } from 'react';
import type { JobRun } from '../../../shared/contract/jobs.ts';
import { ops } from '../client/ops.ts';
import { formatDuration } from '../lib/format.ts';
import { useNow } from '../lib/useNow.ts';
import { attempt } from '../state/app-store.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { runProgressText } from './ProgressLine.tsx';

const LONG_S = 60;

/** A run that has done real work (a backfill, or over a minute of it) is cancelled only after a confirmation. */
export function needsCancelConfirmation(run: JobRun, now = Date.now()): boolean {
  if (run.status === 'queued') return false;
  const ranS = run.startedAt ? (now - Date.parse(run.startedAt)) / 1000 : 0;
  return run.kind === 'backfill' || ranS >= LONG_S;
}

export function CancelRunButton({ run, className = 'btn btn-danger' }: { run: JobRun; className?: string }) {
  const [open, setOpen] = useState(false);
  const cancel = () => void attempt('Cancel', () => ops.jobs.cancel({ runId: run.id }));
  const now = useNow();
  const ranS = run.startedAt ? (now - Date.parse(run.startedAt)) / 1000 : 0;
  return (
    <>
      <button className={className} onClick={() => (needsCancelConfirmation(run, now) ? setOpen(true) : cancel())}>
        Cancel
      </button>
      <ConfirmDialog open={open} onOpenChange={setOpen} title={`Cancel ${run.title}?`} confirmLabel="Cancel the run" cancelLabel="Keep it running" danger onConfirm={cancel}>
        <p>
          It has run for {formatDuration(ranS)}: {runProgressText(run)}.
        </p>
        <p className="muted">What is written stays written. To stop for now and go on later, close this and use Pause instead.</p>
      </ConfirmDialog>
    </>
  );
}
