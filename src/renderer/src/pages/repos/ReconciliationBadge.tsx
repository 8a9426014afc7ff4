import type { Reconciliation } from '../../../../shared/contract/repos.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';

/** Matches GitHub (healthy) or not (down), with the counts behind it. */
export function ReconciliationBadge({ reconciliation: r }: { reconciliation: Reconciliation | null }) {
  if (!r) return <StatusBadge status="unknown" label="not checked" />;
  const more = [r.commits && `commits ${r.commits.stored}/${r.commits.github}`, r.releases && `releases ${r.releases.stored}/${r.releases.github}`].filter(Boolean).map((x) => ` · ${x}`).join('');
  const detail = `PRs ${r.pullRequests.stored}/${r.pullRequests.github} · issues ${r.issues.stored}/${r.issues.github}${more}${r.nestedGaps ? ` · ${r.nestedGaps} nested gaps` : ''}`;
  return (
    <span className="row" style={{ flexWrap: 'nowrap' }} title={`warehouse/GitHub: ${detail}`}>
      <StatusBadge status={r.ok ? 'healthy' : 'down'} label={r.ok ? 'matches GitHub' : 'differs'} />
      <span className="faint">{detail}</span>
    </span>
  );
}
