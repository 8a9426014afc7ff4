import { useEffect, useState } from 'react';
import type { LogEntry } from '../../../shared/contract/logs.ts';
import { ops } from '../client/ops.ts';

/** The last log lines of one job run, kept live. */
export function RunLogTail({ runId, component, lines = 12 }: { runId: string; component?: string; lines?: number }) {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  useEffect(() => {
    let alive = true;
    void ops.logs.query({ runId, component, limit: lines }).then((r) => alive && setEntries(r.entries.reverse()));
    const off = ops.subscribe('logs.line', { runId, component }, (e) => setEntries((prev) => [...prev.slice(-(lines - 1)), e]));
    return () => {
      alive = false;
      off();
    };
  }, [runId, component, lines]);
  if (!entries.length) return <div className="faint">No log lines yet</div>;
  return (
    <div className="panel" style={{ padding: '6px 8px', overflowX: 'auto' }} aria-label="Run log">
      {entries.map((e) => (
        <div key={e.id} className="log-line">
          <span className="faint">{e.ts.slice(11, 19)}</span> <span className={`lvl lvl-${e.level}`}>{e.level.padEnd(5)}</span> {e.event} {e.msg}
        </div>
      ))}
    </div>
  );
}
