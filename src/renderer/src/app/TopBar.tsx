import { Select } from 'radix-ui';
import { Link } from 'react-router';
import { hasAccessToken, ops } from '../client/ops.ts';
import { needsAttention } from '../../../shared/progress.ts';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { runProgressText } from '../components/ProgressLine.tsx';
import { plural } from '../lib/format.ts';
import { attempt, useApp } from '../state/app-store.ts';
import { sortedRuns, useJobs } from '../state/jobs-store.ts';

function RunningJobs() {
  const runs = useJobs((s) => s.runs);
  const all = sortedRuns(runs);
  const running = all.filter((r) => r.status === 'running' || r.status === 'queued');
  const stopped = all.filter(needsAttention);
  const paused = stopped.filter((r) => r.status === 'paused').length;
  const interrupted = stopped.length - paused;
  const waiting = [paused && `${paused} paused`, interrupted && `${interrupted} interrupted`].filter(Boolean).join(', ');
  if (!running.length && !stopped.length) return <span className="faint">No jobs running</span>;
  const first = running[0];
  return (
    <Link to="/jobs" className="row" style={{ textDecoration: 'none', color: 'inherit', flexWrap: 'nowrap' }} aria-label={[running.length && `${plural(running.length, 'job')} running`, waiting].filter(Boolean).join(', ')} data-testid="topbar-jobs">
      {first ? (
        <>
          <span>{running.length} running</span>
          <span className="muted" style={{ maxWidth: 240, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={runProgressText(first)}>
            {first.title}
          </span>
          <div style={{ width: 100 }}>
            <ProgressBar done={first.progress.done} total={first.progress.total} label={first.title} moving={first.status === 'running'} />
          </div>
        </>
      ) : (
        <span className="faint">No jobs running</span>
      )}
      {waiting && (
        <span className="status status-degraded" title="Stopped runs that can resume: open Jobs">
          {waiting}
        </span>
      )}
    </Link>
  );
}

function ProfileSwitcher() {
  const profiles = useApp((s) => s.profiles);
  const refresh = useApp((s) => s.refreshProfiles);
  const active = profiles.find((p) => p.active);
  if (!profiles.length) return <Link to="/settings" className="muted">No profile yet</Link>;
  return (
    <Select.Root value={active?.id} onValueChange={(id) => void attempt('Switching profile', () => ops.profiles.activate({ id })).then(refresh)}>
      <Select.Trigger className="btn btn-sm" aria-label="Active profile">
        <span className="faint">Profile</span> <Select.Value />
      </Select.Trigger>
      <Select.Portal>
        <Select.Content className="dialog" position="popper" sideOffset={4} style={{ position: 'relative', top: 0, left: 0, transform: 'none', width: 'auto', padding: 4 }}>
          <Select.Viewport>
            {profiles.map((p) => (
              <Select.Item key={p.id} value={p.id} className="palette-item">
                <Select.ItemText>{p.name}</Select.ItemText>
              </Select.Item>
            ))}
          </Select.Viewport>
        </Select.Content>
      </Select.Portal>
    </Select.Root>
  );
}

export function TopBar({ onPalette }: { onPalette(): void }) {
  const connected = useApp((s) => s.connected);
  const info = useApp((s) => s.info);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden />
        Repo Ops
      </div>
      <RunningJobs />
      <div className="topbar-spacer" />
      <ProfileSwitcher />
      <span className="row" title={info ? `core pid ${info.pid}, ${info.mode}, data in ${info.home}` : ''} role="status" aria-label={connected ? 'Core connected' : 'Core disconnected'}>
        <span className="conn-dot" style={{ background: connected ? 'var(--status-healthy)' : 'var(--status-down)' }} />
        <span className="muted" title={hasAccessToken ? undefined : 'Open the URL that `repo-ops serve` printed: it carries the access token.'}>
          {connected ? `core ${info?.version ?? ''}` : hasAccessToken ? 'disconnected' : 'no access token: open the URL repo-ops serve printed'}
        </span>
      </span>
      <button className="btn btn-sm btn-ghost" onClick={onPalette} aria-label="Open command palette">
        <kbd>Ctrl K</kbd>
      </button>
    </header>
  );
}
