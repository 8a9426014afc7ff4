import { useNavigate } from 'react-router';
import type { BackfillRequest, BackfillResult } from '../../../../shared/contract/backfill.ts';
import type { JobRun } from '../../../../shared/contract/jobs.ts';
import { ops } from '../../client/ops.ts';
import { formatDuration, formatNumber, plural } from '../../lib/format.ts';
import { attempt } from '../../state/app-store.ts';
import { VerifyStage } from '../backfill/stages.tsx';

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

function describe(req: BackfillRequest): string {
  const mode = req.timeRangeDays ? `last ${req.timeRangeDays} days` : req.mode === 'full' ? 'full refresh' : 'incremental';
  const embeddings = req.skipEmbeddings ? 'embeddings skipped' : req.embeddingsOnly ? 'embeddings only' : 'with embeddings';
  return `${req.repository} · ${mode} · ${embeddings}${req.workspaces.length ? ` · workspaces: ${req.workspaces.join(', ')}` : ''}`;
}

/** A backfill in the job history: options, per-step figures, verification, rerun and reports. */
export function BackfillSummary({ run, onClose }: { run: JobRun; onClose(): void }) {
  const navigate = useNavigate();
  const req = run.params as BackfillRequest;
  const result = run.result as BackfillResult | null;
  const st = result?.steps;
  const finished = !['running', 'queued', 'paused'].includes(run.status);
  const rerun = async () => {
    const started = await attempt('Rerun', () => ops.backfill.start(req));
    if (started) {
      onClose();
      navigate('/backfill');
    }
  };
  return (
    <section className="stack" aria-label="Backfill summary">
      <h3>Backfill</h3>
      <div className="row">
        <span>{describe(req)}</span>
        <div className="spacer" />
        {finished && (
          <button className="btn btn-sm" onClick={() => void rerun()}>
            Rerun with the same options
          </button>
        )}
      </div>
      {st && (
        <table className="simple" aria-label="Backfill steps">
          <thead>
            <tr>
              <th>Step</th>
              <th>Duration</th>
              <th>Figures</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>Sync</td>
              <td>{st.sync ? formatDuration(st.sync.seconds) : '—'}</td>
              <td>{st.sync ? `${plural(st.sync.items, 'item')} · ${plural(st.sync.requests, 'request')} · ${plural(st.sync.graphqlPoints, 'point')}` : 'skipped'}</td>
            </tr>
            <tr>
              <td>Embeddings</td>
              <td>{st.embeddings ? formatDuration(st.embeddings.seconds) : '—'}</td>
              <td>{st.embeddings ? `${plural(st.embeddings.items, 'item')} · ${plural(st.embeddings.tokens, 'token')} · ${usd(st.embeddings.usd)} · ${plural(st.embeddings.requests, 'request')}${st.embeddings.truncated ? ` · ${formatNumber(st.embeddings.truncated)} cut to the input limit (${formatNumber(st.embeddings.truncatedTokens ?? 0)} tokens not embedded)` : ''}` : 'skipped'}</td>
            </tr>
            <tr>
              <td>Workspace aggregation</td>
              <td>{formatDuration(st.aggregate.seconds)}</td>
              <td>{st.aggregate.workspaces.map((w) => `${w.name}: ${plural(w.totalPullRequests, 'PR')}, ${plural(w.totalIssues, 'issue')}`).join(' · ') || 'no workspace'}</td>
            </tr>
            <tr>
              <td>Total</td>
              <td>{formatDuration(result.seconds)}</td>
              <td />
            </tr>
          </tbody>
        </table>
      )}
      {result ? <VerifyStage run={run} /> : <span className="muted">No result yet ({run.status}).</span>}
    </section>
  );
}
