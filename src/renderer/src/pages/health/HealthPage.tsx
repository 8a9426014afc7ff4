import { useEffect, useState } from 'react';
import { UptimePanel } from './UptimePanel.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { LinkedText } from '../../components/LinkedText.tsx';
import { StoppedJobs } from '../../components/StoppedJobs.tsx';
import { overallView, runbookFor } from '../../../../shared/health-overall.ts';
import { ops } from '../../client/ops.ts';
import type { RunbookDef } from '../../../../shared/contract/runbooks.ts';
import { downloadText, relativeTime } from '../../lib/format.ts';
import { useApp } from '../../state/app-store.ts';
import { useHealth } from '../../state/health-store.ts';
import { ServiceCard } from './ServiceCard.tsx';
import { SetupChecklist } from './SetupChecklist.tsx';
import { SystemsGrid } from './SystemsGrid.tsx';

export function HealthPage() {
  const { run, running, history, load, runNow } = useHealth();
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  useEffect(() => {
    void load();
  }, [load]);
  const checked = run?.results.find((r) => r.configured)?.checkedAt;
  const overall = run ? overallView(run) : null;
  const [runbooks, setRunbooks] = useState<RunbookDef[]>([]);
  useEffect(() => {
    ops.runbooks.list().then(setRunbooks, () => setRunbooks([]));
  }, []);
  return (
    <div className="page">
      <div className="page-header">
        <h1>Health</h1>
        {overall && <StatusBadge status={overall.status} label={overall.label} />}
        <p>{checked ? `checked ${relativeTime(checked)} in ${Math.round(run!.durationMs)} ms` : 'not checked yet'}</p>
        <div className="spacer" />
        <label className="row muted" style={{ gap: 6 }}>
          Every
          <select className="input" aria-label="Scheduled checks" value={settings?.healthIntervalMinutes ?? 5} onChange={(e) => void update({ healthIntervalMinutes: Number(e.target.value) })}>
            {[0, 1, 5, 15, 60].map((m) => (
              <option key={m} value={m}>
                {m === 0 ? 'never (manual)' : `${m} min`}
              </option>
            ))}
          </select>
        </label>
        <button className="btn" disabled={!run} onClick={() => run && downloadText(`health-${new Date().toISOString().slice(0, 19)}.json`, JSON.stringify({ ...run.report, checks: run.results }, null, 2), 'application/json')}>
          Export JSON
        </button>
        <button className="btn btn-primary" onClick={() => void runNow()} disabled={running} aria-busy={running}>
          {running ? 'Checking…' : 'Run checks'}
        </button>
      </div>
      <SetupChecklist />
      <StoppedJobs />
      {overall && overall.missing.length > 0 && (
        <div className="banner banner-degraded" role="status" aria-label="Setup incomplete">
          Not configured: {overall.missing.join(', ')}. <LinkedText text="Add them in Settings → Secrets" />, then run the checks again.
        </div>
      )}
      <SystemsGrid />
      {!run && !running && <div className="empty">Run the checks: Postgres, Milvus, OpenAI, GitHub, Redis and your HTTP services, in parallel, each with its own timeout.</div>}
      <div className="grid-2">
        {run?.results.map((r) => (
          <ServiceCard key={r.id} r={r} history={history[r.id] ?? []} runbook={r.status === 'down' || r.status === 'degraded' ? runbookFor(r.id, runbooks) : null} />
        ))}
      </div>
      <UptimePanel />
    </div>
  );
}
