import { ToggleGroup } from 'radix-ui';
import { useEffect, useState } from 'react';
import type { UptimeRow } from '../../../../shared/contract/health.ts';
import { ops } from '../../client/ops.ts';
import { plural } from '../../lib/format.ts';
import { useHealth } from '../../state/health-store.ts';

const RANGES = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 } as const;
type Range = keyof typeof RANGES;
const COLOR: Record<string, string> = { healthy: 'var(--status-healthy)', degraded: 'var(--status-degraded)', down: 'var(--status-down)', unknown: 'var(--status-unknown, #9aa1ab)' };

/** Uptime Kuma's view: per service, uptime % over a chosen range and a bar per time slice (its worst status). */
export function UptimePanel() {
  const [range, setRange] = useState<Range>('24h');
  const [rows, setRows] = useState<UptimeRow[] | null>(null);
  const latest = useHealth((s) => s.run);
  useEffect(() => {
    ops.health.uptime({ hours: RANGES[range], bars: 60 }).then(setRows, () => setRows([]));
  }, [range, latest]);
  return (
    <section className="panel" aria-label="Uptime">
      <div className="panel-header">
        <strong>Uptime</strong>
        <span className="faint">healthy or degraded over every check with a verdict; each bar is the worst status of its slice</span>
        <ToggleGroup.Root type="single" className="toggle-group" style={{ marginLeft: 'auto' }} value={range} onValueChange={(v) => v && setRange(v as Range)} aria-label="Uptime range">
          {(Object.keys(RANGES) as Range[]).map((r) => (
            <ToggleGroup.Item key={r} value={r}>
              {r}
            </ToggleGroup.Item>
          ))}
        </ToggleGroup.Root>
      </div>
      <div className="panel-body stack" style={{ gap: 6 }}>
        {rows && !rows.length && <span className="faint">No checks in this range yet.</span>}
        {rows?.map((r) => (
          <div key={r.service} className="row" style={{ flexWrap: 'nowrap', gap: 10 }} aria-label={`Uptime of ${r.service}`}>
            <span style={{ width: 110 }} className="truncate">{r.service}</span>
            <strong style={{ width: 64, textAlign: 'right' }}>{r.uptimePct === null ? '—' : `${r.uptimePct.toFixed(r.uptimePct === 100 ? 0 : 2)}%`}</strong>
            <div style={{ display: 'flex', gap: 2, flex: 1, height: 18 }} role="img" aria-label={`${r.service} status bars`}>
              {r.bars.map((b) => (
                <span key={b.start} title={`${new Date(b.start).toLocaleString()}: ${b.status ?? 'no check'}${b.checks ? ` (${plural(b.checks, 'check')})` : ''}`} style={{ flex: 1, borderRadius: 2, background: b.status ? COLOR[b.status] : 'var(--bg-sunken)' }} />
              ))}
            </div>
            <span className="faint" style={{ width: 150, textAlign: 'right' }}>
              {r.checks} {r.checks === 1 ? 'check' : 'checks'} · {r.counts.down} down
            </span>
          </div>
        ))}
      </div>
    </section>
  );
}
