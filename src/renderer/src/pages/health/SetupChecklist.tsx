import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { STOPPED_STATUSES } from '../../../../shared/contract/jobs.ts';
import type { SetupChecklist as Checklist } from '../../../../shared/contract/setup.ts';
import { ops } from '../../client/ops.ts';
import { LinkedText } from '../../components/LinkedText.tsx';

/**
 * The first-run checklist on the landing page, until every step is done: profile → secrets →
 * a test of each connection → a verified backfill. Each step links to where it is done and is
 * ticked by the core from the real state (re-read when checks run, profiles change or a backfill stops).
 */
export function SetupChecklist() {
  const [list, setList] = useState<Checklist | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    let alive = true;
    const read = () => void ops.setup.checklist().then((c) => alive && setList(c), () => undefined);
    const soon = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(read, 300);
    };
    read();
    const offs = [
      ops.subscribe('health.results', {}, soon),
      ops.subscribe('profiles.changed', {}, soon),
      ops.subscribe('jobs.changed', {}, (run) => run.kind === 'backfill' && STOPPED_STATUSES.includes(run.status) && soon()),
    ];
    window.addEventListener('focus', soon);
    return () => {
      alive = false;
      offs.forEach((off) => off());
      window.removeEventListener('focus', soon);
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);
  if (!list || list.complete) return null;
  const done = list.steps.filter((s) => s.done).length;
  const next = list.steps.find((s) => !s.done);
  return (
    <section className="panel" aria-label="First-run checklist">
      <div className="panel-header">
        <h2>Get started</h2>
        <span className="muted">
          {done} of {list.steps.length} done{list.profileName ? ` · profile "${list.profileName}"` : ''}
        </span>
      </div>
      <ol className="panel-body stack" style={{ margin: 0, paddingLeft: 28 }}>
        {list.steps.map((s) => (
          <li key={s.id} data-step={s.id} data-done={s.done} aria-label={`${s.title}: ${s.done ? 'done' : 'to do'}`}>
            <div className="row" style={{ gap: 8 }}>
              <span aria-hidden className={`status status-${s.done ? 'healthy' : s === next ? 'degraded' : 'unknown'}`} style={{ minWidth: 64 }}>
                {s.done ? 'done' : s === next ? 'next' : 'to do'}
              </span>
              <Link to={s.link} className={s === next ? 'btn btn-sm btn-primary' : 'btn btn-sm btn-ghost'}>
                {s.title}
              </Link>
              <span className={s.done ? 'muted' : ''}>
                <LinkedText text={s.detail} />
              </span>
            </div>
            {s.items.length > 0 && !s.done && (
              <ul className="faint" style={{ margin: '2px 0 0 26px', padding: 0, listStyle: 'none' }}>
                {s.items.map((i) => (
                  <li key={i.label}>
                    {i.done ? '✓' : '✗'} {i.label}: {i.detail}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
