import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CallOutput } from '../../../../shared/contract/index.ts';
import type { EngineerRow, ShippedPr } from '../../../../shared/contract/etl.ts';
import { ops } from '../../client/ops.ts';
import { DailyChart } from '../../components/DailyChart.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { formatNumber, formatTime } from '../../lib/format.ts';
import { useNewestOnly } from '../../lib/useNewestOnly.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { EtlRunBar } from './EtlRunBar.tsx';

type Window = 7 | 15 | 30 | 60 | 90 | 999;
const WINDOWS: Window[] = [7, 15, 30, 60, 90, 999];
const windowLabel = (w: number) => (w === 999 ? 'all time' : `${w} days`);
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
export const bandTone = { low: 'healthy', medium: 'degraded', high: 'down' } as const;

type SortKey = 'username' | 'repositories' | 'prsSubmitted' | 'prsMerged' | 'linesChanged' | 'highRiskRate' | 'featuresMerged' | 'ownershipLowRiskPrs';
const sortValue = (r: EngineerRow, k: SortKey): number | string => (k === 'username' ? r.username.toLowerCase() : k === 'repositories' ? r.repositories.length : (r[k] ?? -1));

const columns: Column<EngineerRow>[] = [
  { key: 'username', header: 'Author', grow: true, minWidth: 160, render: (r) => <span title={r.displayName ?? ''}>{r.username}{r.displayName && r.displayName !== r.username ? <span className="faint"> · {r.displayName}</span> : null}</span> },
  { key: 'repositories', header: 'Repos', width: 60, render: (r) => <span title={r.repositories.join(', ')}>{r.repositories.length}</span> },
  { key: 'prsSubmitted', header: 'Submitted', width: 90, render: (r) => formatNumber(r.prsSubmitted) },
  { key: 'prsMerged', header: 'Merged', width: 80, render: (r) => formatNumber(r.prsMerged) },
  { key: 'linesChanged', header: 'Lines', width: 90, render: (r) => formatNumber(r.linesChanged) },
  { key: 'highRiskRate', header: 'High-risk rate', width: 110, render: (r) => <span title={`${r.highRiskPrs} of ${r.prsSubmitted} submitted PRs`}>{pct(r.highRiskRate)}</span> },
  { key: 'featuresMerged', header: 'Features', width: 80, render: (r) => formatNumber(r.featuresMerged) },
  { key: 'ownershipLowRiskPrs', header: 'Low-risk owned PRs', width: 140, render: (r) => formatNumber(r.ownershipLowRiskPrs) },
];

export const prColumns: Column<ShippedPr>[] = [
  { key: 'pr', header: 'PR', width: 150, render: (p) => <span className="mono">{p.repository}#{p.number}</span> },
  { key: 'title', header: 'Title', grow: true, minWidth: 200, render: (p) => <span title={p.summary ?? p.title}>{p.title}</span> },
  { key: 'merged', header: 'Merged', width: 150, render: (p) => (p.mergedAt ? formatTime(p.mergedAt) : <span className="faint">not merged</span>) },
  { key: 'risk', header: 'Risk', width: 185, render: (p) => <RiskCell pr={p} /> },
  { key: 'feature', header: 'Feature', width: 150, render: (p) => (p.featureConfidence > 0 ? `${p.featureRule.replace(/_/g, ' ')} (${p.featureConfidence})` : <span className="faint">—</span>) },
];

/** The rubric's score, and the LLM's next to it when there is one (each says where it came from). */
export function RiskCell({ pr }: { pr: ShippedPr }) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <StatusBadge status={bandTone[pr.riskBand]} label={`${pr.riskScore.toFixed(1)} ${pr.riskBand}`} />
      {pr.llmRisk && <span className="muted" title={`LLM (${pr.llmRisk.model}): ${pr.llmRisk.band}`}> · LLM {pr.llmRisk.score.toFixed(1)}</span>}
    </span>
  );
}

/** Why a PR scored what it did: the rubric's reasons, file by file; the LLM's summary and score when it has one. */
export function RiskReasons({ pr }: { pr: ShippedPr }) {
  return (
    <div aria-label={`Risk of ${pr.repository}#${pr.number}`}>
      <div className="row">
        <strong>
          {pr.repository}#{pr.number}
        </strong>
        <span>{pr.title}</span>
        <span className="muted">{pr.labels.join(' · ')}</span>
      </div>
      {pr.summary && (
        <p aria-label="Summary">
          {pr.summary} <span className="faint">— summary by {pr.llmRisk?.model ?? 'the LLM'}</span>
        </p>
      )}
      <div className="row">
        <StatusBadge status={bandTone[pr.riskBand]} label={`risk ${pr.riskScore.toFixed(1)}`} />
        <span className="muted">rubric (deterministic)</span>
      </div>
      <ul className="reasons" aria-label="Rubric reasons">
        {pr.riskReasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {pr.llmRisk && (
        <>
          <div className="row">
            <StatusBadge status={bandTone[pr.llmRisk.band]} label={`risk ${pr.llmRisk.score.toFixed(1)}`} />
            <span className="muted">
              LLM ({pr.llmRisk.model}, {formatTime(pr.llmRisk.scoredAt)})
            </span>
          </div>
          <ul className="reasons" aria-label="LLM reasons">
            {pr.llmRisk.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

type Detail = CallOutput<'engineers.author'>;

export function EngineersPage() {
  const hasProfile = useApp((s) => s.profiles.length > 0);
  const [repository, setRepository] = useState<string | null>(null);
  const [window, setWindow] = useState<Window>(30);
  const [data, setData] = useState<CallOutput<'engineers.list'> | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'prsMerged', dir: 'desc' });
  const [selected, setSelected] = useState<string | null>(null);
  const [loaded, setDetail] = useState<{ key: string; data: Detail } | null>(null);
  const [pr, setPr] = useState<string | null>(null);

  const newest = useNewestOnly();
  const load = useCallback(() => newest(() => ops.engineers.list({ repository, window }), setData), [newest, repository, window]);
  useEffect(() => {
    if (hasProfile) void attempt('Reading the Engineer Lens', load);
  }, [load, hasProfile]);
  useEffect(() => {
    if (selected) void attempt('Reading the author', async () => setDetail({ key: `${selected}|${repository}|${window}`, data: await ops.engineers.author({ username: selected, repository, window }) }));
  }, [selected, repository, window]);
  const detail = loaded && loaded.key === `${selected}|${repository}|${window}` ? loaded.data : null;

  const rows = useMemo(() => {
    const list = [...(data?.rows ?? [])];
    const dir = sort.dir === 'asc' ? 1 : -1;
    return list.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      return (x < y ? -1 : x > y ? 1 : a.username < b.username ? -1 : 1) * dir;
    });
  }, [data, sort]);
  const daily = useMemo(() => {
    if (!detail || !data?.asOf) return detail?.daily ?? [];
    const end = data.asOf;
    const start = window === 999 ? '' : new Date(Date.parse(`${end}T00:00:00Z`) - (window - 1) * 86_400_000).toISOString().slice(0, 10);
    return detail.daily.filter((d) => d.day >= start && d.day <= end);
  }, [detail, data, window]);
  const openPr = detail?.prs.find((p) => `${p.repository}#${p.number}` === pr) ?? null;

  return (
    <div className="page">
      <div className="page-header">
        <h1>Engineers</h1>
        <p>{data?.asOf ? `${windowLabel(window)} to ${data.asOf} (${data.timeZone} days)` : 'Engineer Lens: who shipped what, how risky, who owns which files'}</p>
        <div className="spacer" />
        <select className="input" aria-label="Repository" value={repository ?? ''} onChange={(e) => setRepository(e.target.value || null)}>
          <option value="">All repositories</option>
          {(data?.repositories ?? []).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <select className="input" aria-label="Window" value={window} onChange={(e) => setWindow(Number(e.target.value) as Window)}>
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              {windowLabel(w)}
            </option>
          ))}
        </select>
        <EtlRunBar repository={repository} onFinished={() => void attempt('Reading the Engineer Lens', load)} />
      </div>
      {data && !data.asOf && <div className="panel panel-body muted">No Engineer Lens tables yet: they fill after the next sync, or press Refresh (repo-ops etl engineer-lens).</div>}
      <div className="page-fill" style={{ minHeight: 220 }}>
        <VirtualTable
          label="Authors"
          rows={rows}
          columns={columns}
          rowKey={(r) => r.username}
          selected={selected}
          onSelect={setSelected}
          sort={sort}
          onSort={(k) => setSort((s) => ({ key: k as SortKey, dir: s.key === k && s.dir === 'desc' ? 'asc' : 'desc' }))}
          empty="No authors in this window."
        />
      </div>
      {detail?.author && (
        <section className="panel" aria-label={`Author ${detail.author.username}`}>
          <div className="panel-header">
            <h2>{detail.author.username}</h2>
            <span className="muted">
              {detail.author.prsSubmitted} submitted · {detail.author.prsMerged} merged · {formatNumber(detail.author.linesChanged)} lines · high-risk rate {pct(detail.author.highRiskRate)} · {detail.author.featuresMerged} features · {detail.author.ownershipLowRiskPrs} low-risk PRs in files they own
            </span>
          </div>
          <div className="panel-body">
            <DailyChart days={daily} label={`PRs per day of ${detail.author.username}`} />
            <h3>PRs in the window</h3>
            <div style={{ height: 220, display: 'flex' }}>
              <VirtualTable label="Author's PRs" rows={detail.prs} columns={prColumns} rowKey={(p) => `${p.repository}#${p.number}`} selected={pr} onSelect={setPr} empty="No PRs in this window." />
            </div>
            {openPr && <RiskReasons pr={openPr} />}
            <h3>Files and ownership</h3>
            <table className="simple" aria-label="Files and ownership">
              <thead>
                <tr>
                  <th>File</th>
                  <th style={{ width: 200 }}>Share of changed lines</th>
                  <th style={{ width: 140 }}>Lines (theirs / all)</th>
                  <th style={{ width: 170 }}>Last touched</th>
                </tr>
              </thead>
              <tbody>
                {detail.files.slice(0, 200).map((f) => (
                  <tr key={`${f.repository}:${f.path}`}>
                    <td className="mono">
                      {repository ? '' : `${f.repository}: `}
                      {f.path}
                    </td>
                    <td>
                      <ProgressBar done={f.ownershipPct} total={100} label={`${f.path} ownership`} /> {f.ownershipPct.toFixed(0)}%
                    </td>
                    <td>
                      {formatNumber(f.authorLines)} / {formatNumber(f.totalLines)}
                    </td>
                    <td>{formatTime(f.lastTouched)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {detail.files.length > 200 && <div className="faint">{detail.files.length - 200} more files (repo-ops query, or the author_file_ownership table)</div>}
          </div>
        </section>
      )}
    </div>
  );
}
