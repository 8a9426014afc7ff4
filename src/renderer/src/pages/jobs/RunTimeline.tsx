import type { JobRun } from '../../../../shared/contract/jobs.ts';
import { timeline } from '../../../../shared/progress.ts';
import { formatDuration } from '../../lib/format.ts';

const TONE: Record<string, string> = { done: 'var(--status-healthy)', failed: 'var(--status-down)', cancelled: 'var(--status-down)', paused: 'var(--status-degraded)', interrupted: 'var(--status-degraded)', running: 'var(--accent)' };

/** The run's steps on one time axis: where the time went, and what ran when. */
export function RunTimeline({ run, now }: { run: JobRun; now: number }) {
  const { bars, spanSeconds } = timeline(run, now);
  if (!bars.length) return null;
  return (
    <section className="stack" aria-label="Run timeline">
      <h3>Timeline <span className="faint">({formatDuration(spanSeconds)})</span></h3>
      <div className="timeline">
        {bars.map((b) => (
          <div key={b.name} className="timeline-row" data-step={b.name}>
            <span className="timeline-name truncate" style={b.name.includes(':') ? { paddingLeft: 12 } : undefined}>
              {b.name.includes(':') ? b.name.slice(b.name.indexOf(':') + 1) : b.name}
            </span>
            <span className="timeline-track">
              <span className="timeline-bar" title={`${b.name}: ${b.status}, ${formatDuration(b.seconds)}`} style={{ left: `${b.left * 100}%`, width: `${b.width * 100}%`, background: TONE[b.status] ?? 'var(--text-faint, #999)' }} />
            </span>
            <span className="timeline-dur muted">{formatDuration(b.seconds)}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
