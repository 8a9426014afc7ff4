import { Collapsible } from 'radix-ui';
import type { CheckResult } from '../../../../shared/contract/health.ts';
import { Sparkline } from '../../components/Sparkline.tsx';
import { Link } from 'react-router';
import { LinkedText } from '../../components/LinkedText.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatBytes, humanKey, readable } from '../../lib/format.ts';

/** A detail as an operator reads it: sizes in KB/MB, versions, ports and ids as they are (no "180,004"). */
function Value({ k, v }: { k: string; v: unknown }) {
  if (v === null || v === undefined) return <span className="faint">—</span>;
  if (typeof v === 'number' && /bytes$/i.test(k)) return <span title={`${v} bytes`}>{formatBytes(v)}</span>;
  if (typeof v === 'number' && (/(version(num)?|port|pid)$/i.test(k) || /[a-z]Id$|^id$/.test(k))) return <>{String(v)}</>;
  return <>{readable(v)}</>;
}

export function ServiceCard({ r, history, runbook = null }: { r: CheckResult; history: [number, number | null][]; runbook?: { id: string; title: string } | null }) {
  const problems = r.findings.filter((f) => f.status !== 'healthy');
  return (
    <section className="panel" aria-label={`${r.name} health`} data-service={r.id}>
      <div className="panel-header">
        <h3>{r.name}</h3>
        <StatusBadge status={r.status} label={r.configured ? r.status : 'not configured'} />
        <div className="spacer" />
        {r.latencyMs !== null && <span className="mono muted">{r.latencyMs < 10 ? r.latencyMs.toFixed(1) : Math.round(r.latencyMs)} ms</span>}
      </div>
      <div className="panel-body stack">
        <div>
          <LinkedText text={r.summary} />
        </div>
        {runbook && (
          <Link to={`/runbooks/${runbook.id}`} className="fix-link" aria-label={`Open the runbook for ${r.name}`}>
            Open the runbook: {runbook.title} →
          </Link>
        )}
        {history.length > 1 && <Sparkline points={history} label={`${r.name} latency, last 24 h`} width={260} />}
        {problems.length > 0 && (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {problems.map((f, i) => (
              <li key={i}>
                <span className={`lvl lvl-${f.status === 'down' ? 'error' : 'warn'}`}>{f.status}</span> {f.message}
                {f.threshold && <span className="faint"> [{f.threshold}]</span>}
              </li>
            ))}
          </ul>
        )}
        {Object.keys(r.details).length > 0 && (
          <Collapsible.Root>
            <Collapsible.Trigger className="btn btn-sm btn-ghost">Details</Collapsible.Trigger>
            <Collapsible.Content>
              <dl className="kv">
                {Object.entries(r.details).map(([k, v]) => (
                  <div key={k} style={{ display: 'contents' }}>
                    <dt>{humanKey(k)}</dt>
                    <dd>
                      <Value k={k} v={v} />
                    </dd>
                  </div>
                ))}
              </dl>
            </Collapsible.Content>
          </Collapsible.Root>
        )}
      </div>
    </section>
  );
}
