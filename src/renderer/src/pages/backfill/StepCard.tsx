import type { BackfillStepState } from '../../../../shared/contract/backfill.ts';
import { figures } from '../../../../shared/progress.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { progressText } from '../../components/ProgressLine.tsx';
import { RunLogTail } from '../../components/RunLogTail.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDuration, formatNumber, plural, relativeTime } from '../../lib/format.ts';

export type StepView = BackfillStepState;

const TITLES: Record<string, string> = { sync: '1 · Data sync (GitHub → warehouse)', aggregate: '2 · Workspace aggregation', embeddings: '3 · Embeddings (OpenAI → Milvus)', verify: '4 · Verification' };

/** One step of the backfill, live: bar, rate, ETA, its own figures and its last log lines. */
export function StepCard({ name, step, runId }: { name: string; step: StepView | undefined; runId: string }) {
  const s = step ?? { done: 0, total: null, unit: 'items', message: null, ratePerSec: null, etaSeconds: null, state: 'pending' as const, seconds: null };
  const tone = s.state === 'done' || s.state === 'reused' ? 'healthy' : s.state === 'failed' || s.state === 'cancelled' ? 'down' : s.state === 'paused' || s.state === 'interrupted' ? 'degraded' : 'unknown';
  return (
    <section className="panel" aria-label={`Step ${name}`} data-step={name} data-state={s.state}>
      <div className="panel-header">
        <h3>{TITLES[name] ?? name}</h3>
        <StatusBadge status={tone} label={s.state} />
        <div className="spacer" />
        {s.seconds !== null && <span className="muted">{formatDuration(s.seconds)}</span>}
      </div>
      {s.state !== 'skipped' && s.state !== 'reused' && (
        <div className="panel-body stack">
          <ProgressBar done={s.done} total={s.state === 'done' ? Math.max(1, s.total ?? s.done) : s.total} label={`${name} progress`} moving={s.state === 'running'} />
          <div className="row muted" style={{ fontSize: 12 }}>
            <span data-testid="step-figures">{progressText(figures(s, s.state === 'running'))}</span>
            {s.requests !== undefined && <span>· {plural(s.requests as number, 'request')}</span>}
            {s.graphqlPoints !== undefined && <span>· {formatNumber(s.graphqlPoints as number)} points</span>}
            {s.rateRemaining !== undefined && s.rateRemaining !== null && (
              <span>
                · rate limit {formatNumber(s.rateRemaining as number)} left, resets {relativeTime(s.rateResetAt as string)}
              </span>
            )}
            {s.tokens !== undefined && <span>· {plural(s.tokens as number, 'token')}</span>}
            {s.usd !== undefined && <span>· ${(s.usd as number).toFixed(4)}</span>}
            {typeof s.truncated === 'number' && s.truncated > 0 && <span title="Texts longer than the model's input limit: embedded cut, the rest not embedded (logged per item)">· {formatNumber(s.truncated)} cut to the input limit</span>}
            {s.message && <span>· {s.message}</span>}
          </div>
          {(s.state === 'running' || s.state === 'done') && <RunLogTail runId={runId} component={name} lines={5} />}
        </div>
      )}
    </section>
  );
}
