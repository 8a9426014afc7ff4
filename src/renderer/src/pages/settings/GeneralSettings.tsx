import { ToggleGroup } from 'radix-ui';
import { CheckField } from '../../components/CheckField.tsx';
import { Field } from '../../components/Field.tsx';
import { attempt, useApp } from '../../state/app-store.ts';

// The zones the browser knows (Postgres knows the same IANA database), offered as suggestions.
const ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

export function GeneralSettings() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  const info = useApp((s) => s.info);
  if (!settings) return null;
  return (
    <section className="panel" aria-label="General settings">
      <div className="panel-header">
        <h2>General</h2>
      </div>
      <div className="panel-body stack">
        <div className="row">
          <span className="muted" style={{ width: 120 }}>
            Theme
          </span>
          <ToggleGroup.Root type="single" className="toggle-group" aria-label="Theme" data-setting="theme" value={settings.theme} onValueChange={(v) => v && void update({ theme: v as typeof settings.theme })}>
            <ToggleGroup.Item value="system">System</ToggleGroup.Item>
            <ToggleGroup.Item value="light">Light</ToggleGroup.Item>
            <ToggleGroup.Item value="dark">Dark</ToggleGroup.Item>
          </ToggleGroup.Root>
        </div>
        <div className="form-grid">
          <Field label="Keep logs for (days)" data-setting="logRetentionDays" type="number" min={1} max={365} defaultValue={settings.logRetentionDays} hint="Older log lines are deleted hourly" onBlur={(e) => void update({ logRetentionDays: clamp(e.target.value, 1, 365) })} />
          <Field label="Jobs running at once" data-setting="jobConcurrency" type="number" min={1} max={8} defaultValue={settings.jobConcurrency} hint="Other jobs wait in the queue" onBlur={(e) => void update({ jobConcurrency: clamp(e.target.value, 1, 8) })} />
          <Field
            key={settings.teamTimeZone}
            label="Team time zone"
            data-setting="teamTimeZone"
            list="team-time-zones"
            defaultValue={settings.teamTimeZone}
            hint="The Engineer Lens counts days in this IANA zone (UTC by default); a change rebuilds its tables on the next run"
            onBlur={(e) => {
              const v = e.target.value.trim();
              if (v && v !== settings.teamTimeZone) void attempt('Saving the team time zone', () => update({ teamTimeZone: v }));
            }}
          />
          <datalist id="team-time-zones">
            {['UTC', ...ZONES].map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
        <div className="form-grid" aria-label="GitHub limits shared by every worker on one token">
          <Field label="GitHub requests in flight per token" data-setting="githubConcurrentRequests" type="number" min={1} max={100} defaultValue={settings.githubConcurrentRequests} hint="Across every worker and console using the token (GitHub allows 100)" onBlur={(e) => void update({ githubConcurrentRequests: clamp(e.target.value, 1, 100) })} />
          <Field label="GitHub REST points per minute" data-setting="githubRestPointsPerMinute" type="number" min={1} max={100_000} defaultValue={settings.githubRestPointsPerMinute} hint="Secondary limit, shared (GitHub: 900)" onBlur={(e) => void update({ githubRestPointsPerMinute: clamp(e.target.value, 1, 100_000) })} />
          <Field label="GitHub GraphQL points per minute" data-setting="githubGraphqlPointsPerMinute" type="number" min={1} max={100_000} defaultValue={settings.githubGraphqlPointsPerMinute} hint="Secondary limit, shared (GitHub: 2,000)" onBlur={(e) => void update({ githubGraphqlPointsPerMinute: clamp(e.target.value, 1, 100_000) })} />
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

export function HealthSettings() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  if (!settings) return null;
  return (
    <section className="panel" aria-label="Health check settings">
      <div className="panel-header">
        <h2>Health checks</h2>
      </div>
      <div className="panel-body stack">
        <div className="form-grid">
          <Field label="Health schedule (minutes)" data-setting="healthIntervalMinutes" type="number" min={0} max={1440} defaultValue={settings.healthIntervalMinutes} hint="Checks run by themselves this often; 0 = only on demand" onBlur={(e) => void update({ healthIntervalMinutes: clamp(e.target.value, 0, 1440) })} />
          <Field label="Per-check timeout (seconds)" data-setting="healthTimeoutMs" type="number" min={0.5} max={120} step={0.5} defaultValue={settings.healthTimeoutMs / 1000} hint="A check still running after this is down; the others are not delayed" onBlur={(e) => void update({ healthTimeoutMs: Math.round(clampFloat(e.target.value, 0.5, 120) * 1000) })} />
        </div>
        <CheckField setting="notifications" label="Desktop notifications when a check changes status" checked={settings.notifications} onChange={(v) => void update({ notifications: v })} />
      </div>
    </section>
  );
}

export function EmbeddingSettings() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  if (!settings) return null;
  return (
    <section className="panel" aria-label="Embedding settings">
      <div className="panel-header">
        <h2>Embeddings and vectors</h2>
      </div>
      <div className="panel-body stack">
        <CheckField setting="storeVectorsInPostgres" label="Also store vectors in Postgres (the runbooks' coverage queries read them)" checked={settings.storeVectorsInPostgres} onChange={(v) => void update({ storeVectorsInPostgres: v })} />
        <div className="form-grid">
          <Field label="Milvus upsert batch (vectors)" data-setting="milvusUpsertBatchSize" type="number" min={1} max={10_000} defaultValue={settings.milvusUpsertBatchSize} hint="Vectors per Milvus upsert call" onBlur={(e) => void update({ milvusUpsertBatchSize: clamp(e.target.value, 1, 10_000) })} />
        </div>
      </div>
    </section>
  );
}

export function clamp(v: string, min: number, max: number): number {
  const n = Math.round(Number(v));
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
}

function clampFloat(v: string, min: number, max: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : min;
}
