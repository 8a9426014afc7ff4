import { Fragment, useEffect, useState } from 'react';
import type { CheckResult } from '../../../../shared/contract/health.ts';
import type { SystemHealth } from '../../../../shared/contract/systems.ts';
import { worstStatus, type Status } from '../../../../shared/status.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { relativeTime } from '../../lib/format.ts';
import { startSystemsFeed, useSystems } from '../../state/systems-store.ts';

/** The grid's columns: each system's services grouped the way an operator scans them. */
const COLUMNS: { id: string; label: string; match(r: CheckResult): boolean }[] = [
  { id: 'postgres', label: 'Postgres', match: (r) => r.kind === 'postgres' },
  { id: 'redis', label: 'Redis / queues', match: (r) => r.kind === 'redis' || r.id === 'pack:queues' },
  { id: 'milvus', label: 'Milvus', match: (r) => r.kind === 'milvus' },
  { id: 'http', label: 'HTTP services', match: (r) => r.kind === 'http' },
  { id: 'pack', label: 'Runbook checks', match: (r) => r.kind === 'pack' && r.id !== 'pack:queues' },
];

function cellOf(s: SystemHealth, col: (typeof COLUMNS)[number]): { status: Status; title: string; unset?: boolean } | null {
  const rs = s.results.filter(col.match);
  if (!rs.length) return null;
  const configured = rs.filter((r) => r.configured);
  if (!configured.length) return { status: 'unknown', title: rs.map((r) => r.summary).join('\n'), unset: true };
  return { status: worstStatus(configured.map((r) => r.status)), title: configured.map((r) => `${r.name}: ${r.status} — ${r.summary}`).join('\n') };
}

/** Systems × services: every registered system's own databases and services, checked in one parallel run. */
export function SystemsGrid() {
  const { systems, run, running, load, runNow } = useSystems();
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    startSystemsFeed();
    void load();
  }, [load]);
  if (!systems.length) return null;
  return (
    <section className="panel" aria-label="Systems">
      <div className="panel-header">
        <h2 style={{ margin: 0, fontSize: 'var(--fs-md)' }}>Systems</h2>
        {run && <StatusBadge status={run.status} label={`systems ${run.status}`} />}
        <span className="muted">{run ? `checked ${relativeTime(run.at)}${run.durationMs ? ` in ${Math.round(run.durationMs)} ms` : ''}` : 'not checked yet'}</span>
        <div className="spacer" />
        <button className="btn btn-sm btn-primary" onClick={() => void runNow()} disabled={running} aria-busy={running}>
          {running ? 'Checking all systems…' : 'Check all systems'}
        </button>
      </div>
      <div className="panel-body">
        <table className="simple" aria-label="Systems grid">
          <thead>
            <tr>
              <th>System</th>
              <th>Kind</th>
              {COLUMNS.map((c) => (
                <th key={c.id}>{c.label}</th>
              ))}
              <th>Overall</th>
            </tr>
          </thead>
          <tbody>
            {systems.map((sys) => {
              const h = run?.systems.find((x) => x.system.id === sys.id);
              const expanded = open === sys.id;
              return (
                <Fragment key={sys.id}>
                  <tr aria-label={`System ${sys.name}`}>
                    <td>
                      <button className="btn btn-sm btn-ghost" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : sys.id)}>
                        {expanded ? '▾' : '▸'} {sys.name}
                      </button>
                    </td>
                    <td className="muted">{sys.kind}</td>
                    {COLUMNS.map((c) => {
                      const cell = h ? cellOf(h, c) : null;
                      return (
                        <td key={c.id}>
                          {!cell ? (
                            <span className="faint">—</span>
                          ) : cell.unset ? (
                            <span className="faint" title={cell.title}>
                              not set
                            </span>
                          ) : (
                            <span title={cell.title}>
                              <StatusBadge status={cell.status} />
                            </span>
                          )}
                        </td>
                      );
                    })}
                    <td>{h ? <StatusBadge status={h.report.status} /> : <StatusBadge status="unknown" label="not checked" />}</td>
                  </tr>
                  {expanded && h && (
                    <tr>
                      <td colSpan={COLUMNS.length + 3}>
                        <table className="simple" aria-label={`Checks of ${sys.name}`}>
                          <tbody>
                            {h.results.map((r) => (
                              <tr key={r.id}>
                                <td>{r.name}</td>
                                <td>
                                  <StatusBadge status={r.status} />
                                </td>
                                <td className="mono">{r.latencyMs === null ? '—' : `${Math.round(r.latencyMs)} ms`}</td>
                                <td>{r.summary}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
