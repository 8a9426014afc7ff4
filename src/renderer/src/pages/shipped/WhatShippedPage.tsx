import { useCallback, useEffect, useState } from 'react';
import type { CallOutput } from '../../../../shared/contract/index.ts';
import { ops } from '../../client/ops.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import type { ShippedPr } from '../../../../shared/contract/etl.ts';
import { downloadText, formatNumber, formatTime, plural } from '../../lib/format.ts';
import { useNewestOnly } from '../../lib/useNewestOnly.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { RiskCell, RiskReasons } from '../engineers/EngineersPage.tsx';
import { EtlRunBar } from '../engineers/EtlRunBar.tsx';
import { WhatShippedRun } from './WhatShippedRun.tsx';

type Window = 7 | 30 | 90 | 999;
/** The calendar day an instant falls on in a time zone. */
const localDay = (iso: string, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
const WINDOWS: [Window, string][] = [
  [7, '7d'],
  [30, '30d'],
  [90, '90d'],
  [999, 'All'],
];

const columns: Column<ShippedPr>[] = [
  { key: 'merged', header: 'Merged', width: 150, render: (p) => formatTime(p.mergedAt) },
  { key: 'pr', header: 'PR', width: 150, render: (p) => <span className="mono">{p.repository}#{p.number}</span> },
  { key: 'title', header: 'Title', grow: true, minWidth: 220, render: (p) => <span title={p.summary ?? p.title}>{p.title}</span> },
  { key: 'author', header: 'Author', width: 130, render: (p) => p.author },
  { key: 'risk', header: 'Risk', width: 185, render: (p) => <RiskCell pr={p} /> },
  { key: 'feature', header: 'Feature', width: 150, render: (p) => (p.featureConfidence > 0 ? `${p.featureRule.replace(/_/g, ' ')} (${p.featureConfidence})` : <span className="faint">—</span>) },
  { key: 'size', header: 'Lines', width: 80, render: (p) => formatNumber(p.additions + p.deletions) },
];

export function WhatShippedPage() {
  const hasProfile = useApp((s) => s.profiles.length > 0);
  const [window, setWindow] = useState<Window>(30);
  const [repository, setRepository] = useState<string | null>(null);
  const [author, setAuthor] = useState<string | null>(null);
  const [band, setBand] = useState<'low' | 'medium' | 'high' | null>(null);
  const [featuresOnly, setFeaturesOnly] = useState(false);
  const [repos, setRepos] = useState<string[]>([]);
  const [data, setData] = useState<CallOutput<'shipped.list'> | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const query = { repository, window, author, band, featuresOnly };

  const newest = useNewestOnly();
  const load = useCallback(
    () =>
      newest(
        () => Promise.all([ops.shipped.list({ repository, window, author, band, featuresOnly }), ops.engineers.list({ window: 7 })]),
        ([r, list]) => {
          setData(r);
          setRepos(list.repositories);
        },
      ),
    [newest, repository, window, author, band, featuresOnly],
  );
  useEffect(() => {
    if (hasProfile) void attempt('Reading What Shipped', load);
  }, [load, hasProfile]);

  const exportAs = async (format: 'markdown' | 'csv') => {
    const r = await attempt('Exporting', () => ops.shipped.export({ ...query, format }));
    if (r) downloadText(r.filename, r.content, format === 'csv' ? 'text/csv' : 'text/markdown');
  };
  const s = data?.summary;
  const open = data?.prs.find((p) => `${p.repository}#${p.number}` === selected) ?? null;
  const authors = [...new Set([...(s?.topAuthors.map((a) => a.author) ?? []), ...(author ? [author] : [])])];

  return (
    <div className="page">
      <div className="page-header">
        <h1>What Shipped</h1>
        <div className="seg" role="radiogroup" aria-label="Window">
          {WINDOWS.map(([w, label]) => (
            <button key={w} role="radio" aria-checked={window === w} className={`btn btn-sm${window === w ? ' btn-primary' : ''}`} onClick={() => setWindow(w)}>
              {label}
            </button>
          ))}
        </div>
        {data?.since && (
          <span className="muted" data-testid="shipped-since" title="Windows are calendar days in the team time zone, today included (Settings → team time zone)">
            since {localDay(data.since, data.timeZone)} ({data.timeZone})
          </span>
        )}
        <select className="input" aria-label="Repository" value={repository ?? ''} onChange={(e) => setRepository(e.target.value || null)}>
          <option value="">All repositories</option>
          {repos.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <input className="input" aria-label="Author" placeholder="author" list="shipped-authors" value={author ?? ''} onChange={(e) => setAuthor(e.target.value.trim() || null)} style={{ width: 120 }} />
        <datalist id="shipped-authors">
          {authors.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <select className="input" aria-label="Risk band" value={band ?? ''} onChange={(e) => setBand((e.target.value || null) as typeof band)}>
          <option value="">any risk</option>
          <option value="low">low</option>
          <option value="medium">medium</option>
          <option value="high">high</option>
        </select>
        <label className="row muted" style={{ gap: 4 }}>
          <input type="checkbox" checked={featuresOnly} onChange={(e) => setFeaturesOnly(e.target.checked)} /> features only
        </label>
        <div className="spacer" />
        <button className="btn" onClick={() => void exportAs('markdown')}>
          Export Markdown
        </button>
        <button className="btn" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
      </div>
      <div className="row">
        <EtlRunBar repository={repository} onFinished={() => void attempt('Reading What Shipped', load)} />
        <WhatShippedRun repository={repository} disabled={!hasProfile} reloadKey={data} />
      </div>
      {s && (
        <section className="panel" aria-label="Summary">
          <div className="panel-body shipped-summary">
            <div>
              <div className="kpi" data-testid="shipped-merged">
                {formatNumber(s.merged)}
              </div>
              <div className="muted">merged PRs</div>
            </div>
            <div>
              <div className="kpi">{formatNumber(s.features)}</div>
              <div className="muted">features</div>
            </div>
            <div>
              <div className="kpi">{formatNumber(s.authors)}</div>
              <div className="muted">authors</div>
            </div>
            <div>
              <div className="kpi">{formatNumber(s.lines)}</div>
              <div className="muted">lines changed</div>
            </div>
            <div aria-label="Risk distribution">
              <div className="row">
                <StatusBadge status="down" label={`${s.risk.high} high`} />
                <StatusBadge status="degraded" label={`${s.risk.medium} medium`} />
                <StatusBadge status="healthy" label={`${s.risk.low} low`} />
              </div>
              <div className="muted">risk</div>
            </div>
            <div aria-label="Top authors">
              <strong>Top authors</strong>
              <ol className="compact">
                {s.topAuthors.map((a) => (
                  <li key={a.author}>
                    <button className="btn-link" onClick={() => setAuthor(a.author)}>
                      {a.author}
                    </button>{' '}
                    <span className="muted">
                      {plural(a.prs, 'PR')} · {plural(a.features, 'feature')}
                    </span>
                  </li>
                ))}
              </ol>
            </div>
            <div aria-label="Feature split">
              <strong>Feature split</strong>
              <ul className="compact">
                {Object.entries(s.featureSplit)
                  .sort((a, b) => b[1] - a[1])
                  .map(([k, n]) => (
                    <li key={k}>
                      {k.replace(/_/g, ' ')}: {n}
                    </li>
                  ))}
              </ul>
            </div>
          </div>
        </section>
      )}
      {data?.truncated && (
        <div className="muted" data-testid="shipped-truncated">
          Listing the newest {formatNumber(data.prs.length)} of {formatNumber(data.summary.merged)} merged PRs; the summary and the exports cover all of them.
        </div>
      )}
      <div className="page-fill" style={{ minHeight: 220 }}>
        <VirtualTable label="Merged PRs" rows={data?.prs ?? []} columns={columns} rowKey={(p) => `${p.repository}#${p.number}`} selected={selected} onSelect={setSelected} empty="Nothing merged in this window." />
      </div>
      {open && (
        <section className="panel panel-body">
          <RiskReasons pr={open} />
        </section>
      )}
    </div>
  );
}
