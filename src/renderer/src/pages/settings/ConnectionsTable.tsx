import type { CheckResult, Connection } from '../../../../shared/contract/health.ts';
import type { SecretStatus } from '../../../../shared/contract/secrets.ts';
import { CONNECTIONS } from '../../../../shared/contract/health.ts';
import { CONNECTION_LABELS, verdictStale } from '../../../../shared/connections.ts';
import { LinkedText } from '../../components/LinkedText.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { relativeTime } from '../../lib/format.ts';

/** One connection's verdict for this profile, as a line: status, summary, when (and whether a secret changed since). */
export function Verdict({ connection, verdict, secrets, testing }: { connection: Connection; verdict: CheckResult | undefined; secrets: SecretStatus[]; testing: boolean }) {
  const label = CONNECTION_LABELS[connection];
  if (testing)
    return (
      <div role="status" aria-label={`${label} verdict`} className="muted">
        Testing {label}…
      </div>
    );
  if (!verdict)
    return (
      <div role="status" aria-label={`${label} verdict`} className="faint">
        not tested
      </div>
    );
  const stale = verdictStale(connection, verdict.checkedAt, secrets);
  return (
    <div role="status" aria-label={`${label} verdict`} className="row" style={{ gap: 6, flexWrap: 'wrap' }}>
      <StatusBadge status={verdict.status} label={verdict.configured ? verdict.status : 'not configured'} />
      <span className="muted" style={{ overflowWrap: 'anywhere' }}>
        <LinkedText text={verdict.summary} />
      </span>
      <span className="faint">
        {relativeTime(verdict.checkedAt)}
        {stale && ' · a secret changed since: test again'}
      </span>
    </div>
  );
}

/** Grafana-style "Save & test" results: each connection of this profile, its last verdict and a Test button. */
export function ConnectionsTable({ verdicts, secrets, testing, onTest }: { verdicts: CheckResult[]; secrets: SecretStatus[]; testing: ReadonlySet<Connection>; onTest(c: Connection): void }) {
  return (
    <section className="stack" aria-label="Connections">
      <div className="row">
        <h3>Connections</h3>
        <span className="faint">Verdicts of this profile only, with its own secrets and settings.</span>
        <div className="spacer" />
        <button className="btn btn-sm" disabled={testing.size > 0} onClick={() => CONNECTIONS.forEach(onTest)}>
          Test all
        </button>
      </div>
      <table className="simple" aria-label="Connection verdicts">
        <thead>
          <tr>
            <th style={{ width: 180 }}>Connection</th>
            <th>Verdict</th>
            <th style={{ width: 80 }} />
          </tr>
        </thead>
        <tbody>
          {CONNECTIONS.map((c) => (
            <tr key={c} data-connection={c}>
              <td>{CONNECTION_LABELS[c]}</td>
              <td>
                <Verdict connection={c} verdict={verdicts.find((v) => v.id === c)} secrets={secrets} testing={testing.has(c)} />
              </td>
              <td>
                <button className="btn btn-sm" disabled={testing.has(c)} onClick={() => onTest(c)} aria-label={`Test ${CONNECTION_LABELS[c]}`}>
                  Test
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
