import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RepositoryRow } from '../../../../shared/contract/repos.ts';
import { EVENT_TYPES, type ContributorDetail, type LeaderboardEntry, type LeaderboardView } from '../../../../shared/contract/leaderboard.ts';
import { ops } from '../../client/ops.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { downloadText, formatNumber, formatTime, plural } from '../../lib/format.ts';
import { useNewestOnly } from '../../lib/useNewestOnly.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import { sortedRuns, useJobs } from '../../state/jobs-store.ts';
import './leaderboard.css';

const LABELS: Record<(typeof EVENT_TYPES)[number], string> = { commit: 'Commits', pr_opened: 'PRs', pr_merged: 'Merged', pr_reviewed: 'Reviews', issue_opened: 'Issues', issue_closed: 'Closed', comment: 'Comments', release: 'Releases' };
const PAGE = 500;

export function Movement({ rank, previous }: { rank: number; previous: number | null }) {
  if (previous === null) return <span className="lb-move lb-new" title="New on this board">new</span>;
  if (previous === rank) return <span className="lb-move faint" title="Unchanged since the previous recalculation">–</span>;
  const up = previous > rank;
  return (
    <span className={`lb-move ${up ? 'lb-up' : 'lb-down'}`} title={`Was ${previous}`} aria-label={`${up ? 'up' : 'down'} ${Math.abs(previous - rank)} from ${previous}`}>
      {up ? '▲' : '▼'} {Math.abs(previous - rank)}
    </span>
  );
}

function columns(global: boolean): Column<LeaderboardEntry>[] {
  return [
    { key: 'rank', header: '#', width: 56, render: (r) => <strong>{r.rank}</strong> },
    { key: 'move', header: 'Move', width: 64, render: (r) => <Movement rank={r.rank} previous={r.previousRank} /> },
    { key: 'user', header: 'Contributor', width: 170, render: (r) => <span title={r.displayName ?? r.username}>{r.username}</span> },
    { key: 'score', header: 'Score', width: 96, render: (r) => <span className="mono">{r.totalScore.toFixed(2)}</span> },
    ...(global ? [{ key: 'repos', header: 'Repos', width: 60, render: (r: LeaderboardEntry) => r.repositories }] : []),
    ...EVENT_TYPES.map((t) => ({ key: t, header: LABELS[t], width: 70, render: (r: LeaderboardEntry) => (r.counts[t] ? formatNumber(r.counts[t]) : <span className="faint">0</span>) })),
    { key: 'lines', header: 'Lines', grow: true, render: (r) => <span className="mono faint">+{formatNumber(r.linesAdded)} −{formatNumber(r.linesDeleted)}</span> },
  ];
}

function Detail({ detail, repository }: { detail: ContributorDetail; repository: string | null }) {
  const total = detail.breakdown.reduce((s, b) => s + b.points, 0) + detail.lineBonus;
  return (
    <section className="panel lb-detail" aria-label={`${detail.username} details`}>
      <div className="panel-header">
        <h2>{detail.username}</h2>
        {detail.displayName && <span className="muted">{detail.displayName}</span>}
        <div className="spacer" />
        {detail.global && (
          <span className="muted">
            global #{detail.global.rank}{detail.global.repositories !== null && ` · ${plural(detail.global.repositories, 'repository', 'repositories')}`}
          </span>
        )}
      </div>
      <div className="panel-body stack">
        <h3>Score {repository ? `in ${repository}` : 'over all repositories'}</h3>
        <table className="simple" aria-label="Score breakdown">
          <thead>
            <tr>
              <th>Event</th>
              <th>Count</th>
              <th>Weight</th>
              <th>Points</th>
            </tr>
          </thead>
          <tbody>
            {detail.breakdown.map((b) => (
              <tr key={b.eventType} data-event={b.eventType}>
                <td>{LABELS[b.eventType]}</td>
                <td>{formatNumber(b.count)}</td>
                <td className="mono">{b.weight.toFixed(2)}</td>
                <td className="mono">{b.points.toFixed(2)}</td>
              </tr>
            ))}
            <tr>
              <td>Line bonus</td>
              <td colSpan={2} className="faint">
                capped per repository
              </td>
              <td className="mono">{detail.lineBonus.toFixed(2)}</td>
            </tr>
            <tr>
              <td>
                <strong>Total</strong>
              </td>
              <td colSpan={2} />
              <td className="mono">
                <strong>{total.toFixed(2)}</strong>
              </td>
            </tr>
          </tbody>
        </table>
        <h3>Repositories</h3>
        <table className="simple" aria-label="Repositories of the contributor">
          <tbody>
            {detail.repositories.map((r) => (
              <tr key={r.repository}>
                <td className="mono">{r.repository}</td>
                <td>#{r.rank}</td>
                <td className="mono">{r.totalScore.toFixed(2)}</td>
                <td className="faint">last {formatTime(r.lastContributionAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {detail.history.length > 0 && (
          <>
            <h3>Rank changes</h3>
            <table className="simple" aria-label="Rank history">
              <tbody>
                {detail.history.slice(0, 10).map((h, i) => (
                  <tr key={i}>
                    <td className="faint">{formatTime(h.at)}</td>
                    <td>{h.rank === null ? 'left the board' : <Movement rank={h.rank} previous={h.previousRank} />}</td>
                    <td>#{h.rank ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <h3>Recent contributions</h3>
        <table className="simple" aria-label="Recent contributions">
          <tbody>
            {detail.recentEvents.slice(0, 15).map((e) => (
              <tr key={e.eventId}>
                <td className="faint">{formatTime(e.at)}</td>
                <td>{LABELS[e.eventType]}</td>
                <td className="mono faint">{e.repository}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Contributor leaderboards: one repository or all of them, movement since the last recalculation, a person's score breakdown. */
export function LeaderboardPage() {
  const hasProfile = useApp((s) => s.profiles.length > 0);
  const [repos, setRepos] = useState<RepositoryRow[]>([]);
  const [repository, setRepository] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [view, setView] = useState<LeaderboardView | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<ContributorDetail | null>(null);
  const runs = useJobs((s) => s.runs);
  const active = useMemo(() => sortedRuns(runs).find((r) => r.kind.startsWith('leaderboard-') && (r.status === 'running' || r.status === 'queued')) ?? null, [runs]);

  const newest = useNewestOnly();
  const load = useCallback(() => newest(() => ops.leaderboard.show({ repository: repository ?? undefined, search: search.trim() || undefined, top: PAGE }), setView), [newest, repository, search]);
  useEffect(() => {
    if (hasProfile) void attempt('Reading repositories', () => ops.repos.list()).then((r) => r && setRepos(r));
  }, [hasProfile]);
  useEffect(() => {
    if (!hasProfile) return;
    const t = setTimeout(() => void attempt('Reading the leaderboard', load), 150);
    return () => clearTimeout(t);
  }, [load, hasProfile]);
  // A finished recalculation refreshes the board.
  const activeId = active?.id ?? null;
  useEffect(() => {
    if (!activeId && hasProfile) void attempt('Reading the leaderboard', load);
  }, [activeId, hasProfile, load]);
  useEffect(() => {
    const row = view?.rows.find((r) => r.userId === selected);
    if (!row) return;
    void attempt('Reading the contributor', () => ops.leaderboard.contributor({ username: row.username, repository: repository ?? undefined })).then((d) => d && setDetail(d));
  }, [selected, view, repository]);

  const more = useCallback(() => {
    if (!view || view.rows.length >= view.total) return;
    void ops.leaderboard.show({ repository: repository ?? undefined, search: search.trim() || undefined, top: PAGE, offset: view.rows.length }).then((next) => setView((v) => (v ? { ...v, rows: [...v.rows, ...next.rows] } : v)));
  }, [view, repository, search]);

  const recalc = (full: boolean) => void attempt('Starting the recalculation', () => ops.leaderboard.recalc({ repository: repository ?? undefined, full }));
  const exportCsv = async () => {
    const r = await attempt('Exporting', () => ops.leaderboard.export({ repository: repository ?? undefined, search: search.trim() || undefined }));
    if (r) downloadText(r.filename, r.csv, 'text/csv');
  };
  const cols = useMemo(() => columns(view?.scope !== 'repository'), [view?.scope]);
  const selectedRow = view?.rows.find((r) => r.userId === selected) ?? null;
  const shown = detail && selectedRow && detail.username === selectedRow.username ? detail : null;

  return (
    <div className="page">
      <div className="page-header">
        <h1>Leaderboard</h1>
        {view && (
          <p>
            {plural(view.total, 'contributor')} · {view.recalculatedAt ? `recalculated ${formatTime(view.recalculatedAt)}` : 'never recalculated'}
          </p>
        )}
        <div className="spacer" />
        <button className="btn" disabled={!hasProfile || Boolean(active)} onClick={() => recalc(false)} title="Scrape new events from the warehouse and update the changed contributors">
          Recalculate
        </button>
        <button className="btn" disabled={!hasProfile || Boolean(active)} onClick={() => recalc(true)} title="The last 730 days again, every contributor">
          Full
        </button>
        <button className="btn" disabled={!view?.total} onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <div className="row">
        <div className="toggle-group" role="group" aria-label="Board">
          <button aria-pressed={repository === null} onClick={() => setRepository(null)}>
            Global
          </button>
          <button aria-pressed={repository !== null} onClick={() => setRepository(repos[0]?.fullName ?? null)} disabled={!repos.length}>
            Repository
          </button>
        </div>
        {repository !== null && (
          <select className="input" aria-label="Repository" value={repository} onChange={(e) => setRepository(e.target.value)}>
            {repos.map((r) => (
              <option key={r.id} value={r.fullName}>
                {r.fullName}
              </option>
            ))}
          </select>
        )}
        <input className="input" type="search" placeholder="Search contributors" aria-label="Search contributors" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {active && (
        <div className="row" aria-label="Recalculation progress">
          <span className="muted">{active.title}</span>
          <div style={{ width: 220 }}>
            <ProgressBar done={active.progress.done} total={active.progress.total} label={active.title} />
          </div>
          <span className="faint">{active.progress.message ?? active.status}</span>
        </div>
      )}
      <div className="lb-layout">
        <div className="page-fill" style={{ minHeight: 320 }}>
          <VirtualTable
            label={view?.repository ? `Leaderboard of ${view.repository}` : 'Global leaderboard'}
            rows={view?.rows ?? []}
            columns={cols}
            rowKey={(r) => r.userId}
            selected={selected}
            onSelect={setSelected}
            onNearEnd={more}
            empty={view && !view.recalculatedAt ? 'No leaderboard yet: sync a repository, then Recalculate.' : 'No contributor matches.'}
          />
        </div>
        {shown && <Detail detail={shown} repository={repository} />}
      </div>
    </div>
  );
}
