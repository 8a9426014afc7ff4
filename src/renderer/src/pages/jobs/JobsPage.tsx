import { ToggleGroup } from 'radix-ui';
import { useMemo, useState } from 'react';
import type { BackfillResult } from '../../../../shared/contract/backfill.ts';
import type { JobRun } from '../../../../shared/contract/jobs.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { compactRunText, runProgressText } from '../../components/ProgressLine.tsx';
import { JobStatusBadge } from '../../components/StatusBadge.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { formatDuration, formatNumber, plural, relativeTime } from '../../lib/format.ts';
import { sortedRuns, useJobs } from '../../state/jobs-store.ts';
import { JobDrawer } from './JobDrawer.tsx';

type Filter = 'all' | 'active' | 'problems' | 'finished' | 'backfills';
const matches: Record<Filter, (r: JobRun) => boolean> = {
  all: () => true,
  active: (r) => r.status === 'running' || r.status === 'queued',
  problems: (r) => ['failed', 'incomplete', 'interrupted', 'paused', 'cancelled'].includes(r.status),
  finished: (r) => r.status === 'succeeded',
  backfills: (r) => r.kind === 'backfill',
};

const columnsFor = (open: (id: string) => void): Column<JobRun>[] => [
  { key: 'status', header: 'Status', width: 120, render: (r) => <JobStatusBadge status={r.status} /> },
  {
    key: 'title',
    header: 'Job',
    grow: true,
    minWidth: 240,
    render: (r) => (
      <button type="button" className="link-button truncate" title={`${r.title}: open its details`} onClick={() => open(r.id)}>
        {r.title}
      </button>
    ),
  },
  { key: 'kind', header: 'Kind', width: 90, render: (r) => <span className="muted">{r.kind}</span> },
  {
    key: 'progress',
    header: 'Progress',
    width: 280,
    render: (r) => (
      <div className="row" style={{ flexWrap: 'nowrap' }} title={runProgressText(r)}>
        <div style={{ width: 70, flex: 'none' }}>
          <ProgressBar done={r.progress.done} total={r.status === 'succeeded' ? (r.progress.total ?? r.progress.done) : r.progress.total} moving={r.status === 'running'} />
        </div>
        <span className="muted truncate">{compactRunText(r)}</span>
      </div>
    ),
  },
  { key: 'summary', header: 'Outcome', width: 220, render: (r) => <span className="muted truncate" title={summary(r)}>{summary(r)}</span> },
  { key: 'created', header: 'Created', width: 90, render: (r) => <span title={r.createdAt}>{relativeTime(r.createdAt)}</span> },
  {
    key: 'duration',
    header: 'Duration',
    width: 80,
    render: (r) => (r.startedAt ? formatDuration(((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000) : '—'),
  },
  { key: 'attempt', header: 'Try', width: 50, render: (r) => r.attempt },
];

/** One line per run: for a backfill its verification, cost and requests; else the last progress message. */
function summary(r: JobRun): string {
  if (r.kind === 'backfill') {
    const res = r.result as BackfillResult | null;
    if (!res) return r.progress.message ?? '';
    const n = (state: string) => res.verification.items.filter((i) => i.state === state).length;
    const others = [n('fail') && `${n('fail')} red`, n('warn') && `${n('warn')} warn`, n('skipped') && `${n('skipped')} skipped`].filter(Boolean).join(', ');
    const parts = [`${res.verification.ok ? 'verified' : 'incomplete'} ${n('pass')}/${res.verification.items.length}${others ? ` (${others})` : ''}`];
    if (res.steps.sync) parts.push(`${formatNumber(res.steps.sync.requests)} req`);
    if (res.steps.embeddings) parts.push(`${formatNumber(res.steps.embeddings.tokens)} tok · $${res.steps.embeddings.usd.toFixed(4)}`);
    return parts.join(' · ');
  }
  return r.error ?? r.progress.message ?? '';
}

export function JobsPage() {
  const runs = useJobs((s) => s.runs);
  const [filter, setFilter] = useState<Filter>('all');
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const columns = useMemo(() => columnsFor(setOpen), []);
  const rows = useMemo(() => sortedRuns(runs).filter((r) => matches[filter](r) && (!text || `${r.title} ${r.kind} ${r.id}`.toLowerCase().includes(text.toLowerCase()))), [runs, filter, text]);
  return (
    <div className="page">
      <div className="page-header">
        <h1>Jobs</h1>
        <p>Every long operation: progress, steps, checkpoints, cancel and resume.</p>
      </div>
      <div className="row">
        <ToggleGroup.Root type="single" className="toggle-group" value={filter} onValueChange={(v) => v && setFilter(v as Filter)} aria-label="Filter runs">
          {(['all', 'active', 'problems', 'finished', 'backfills'] as Filter[]).map((f) => (
            <ToggleGroup.Item key={f} value={f}>
              {f}
            </ToggleGroup.Item>
          ))}
        </ToggleGroup.Root>
        <input className="input" data-page-search placeholder="Filter by title, kind or id  ( / )" value={text} onChange={(e) => setText(e.target.value)} style={{ width: 280 }} aria-label="Filter jobs" />
        <span className="muted">{plural(rows.length, 'run')}</span>
        <span className="faint">Click a job (or select it and press Enter) for its steps, timeline and log</span>
      </div>
      <div className="page-fill">
        <VirtualTable label="Job runs" rows={rows} columns={columns} rowKey={(r) => r.id} selected={selected} onSelect={setSelected} onOpen={(r) => setOpen(r.id)} empty="No job runs yet. Jobs appear here when you index a log file, sync a repository or run a backfill." />
      </div>
      <JobDrawer run={open ? (runs[open] ?? null) : null} onClose={() => setOpen(null)} onOpenRun={setOpen} />
    </div>
  );
}
