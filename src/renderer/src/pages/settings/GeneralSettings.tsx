import { ToggleGroup } from 'radix-ui';
import { useApp } from '../../state/app-store.ts';
import { Field } from '../../components/Field.tsx';

export function GeneralSettings() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  const info = useApp((s) => s.info);
  if (!settings) return null;
  return (
    <section className="panel">
      <div className="panel-header">
        <h2>General</h2>
      </div>
      <div className="panel-body stack">
        <div className="row">
          <span className="muted" style={{ width: 120 }}>
            Theme
          </span>
          <ToggleGroup.Root type="single" className="toggle-group" aria-label="Theme" value={settings.theme} onValueChange={(v) => v && void update({ theme: v as typeof settings.theme })}>
            <ToggleGroup.Item value="system">System</ToggleGroup.Item>
            <ToggleGroup.Item value="light">Light</ToggleGroup.Item>
            <ToggleGroup.Item value="dark">Dark</ToggleGroup.Item>
          </ToggleGroup.Root>
        </div>
        <div className="form-grid">
          <Field label="Keep logs for (days)" type="number" min={1} max={365} defaultValue={settings.logRetentionDays} hint="Older log lines are deleted hourly" onBlur={(e) => void update({ logRetentionDays: clamp(e.target.value, 1, 365) })} />
          <Field label="Jobs running at once" type="number" min={1} max={8} defaultValue={settings.jobConcurrency} hint="Other jobs wait in the queue" onBlur={(e) => void update({ jobConcurrency: clamp(e.target.value, 1, 8) })} />
        </div>
        {info && (
          <dl className="kv">
            <dt>Version</dt>
            <dd>{info.version}</dd>
            <dt>Running as</dt>
            <dd>
              {info.mode} · core pid {info.pid} · Node {info.node} · {info.platform}
            </dd>
            <dt>Data directory</dt>
            <dd className="mono">{info.home}</dd>
          </dl>
        )}
      </div>
    </section>
  );
}

function clamp(v: string, min: number, max: number): number {
  const n = Math.round(Number(v));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
}
