import { useEffect, useState } from 'react';
import type { SettingDefaults } from '../../../../shared/contract/app.ts';
import { ops } from '../../client/ops.ts';
import { useApp } from '../../state/app-store.ts';
import { OverridesTable, type OverrideRow } from './OverridesTable.tsx';

const words = (camel: string) => camel.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

function useDefaults(): SettingDefaults | null {
  const [d, setD] = useState<SettingDefaults | null>(null);
  useEffect(() => {
    ops.app.settingDefaults().then(setD, () => setD(null));
  }, []);
  return d;
}

/** The runbooks' alert thresholds, each editable (health checks judge against these). */
export function ThresholdSettings() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  const defaults = useDefaults();
  if (!settings || !defaults) return null;
  const rows: OverrideRow[] = Object.entries(defaults.healthThresholds).flatMap(([service, values]) =>
    Object.entries(values).map(([key, def]) => ({ id: `${service}.${key}`, group: service, label: words(key), defaultValue: def, value: settings.healthThresholds[service]?.[key] })),
  );
  const save = (id: string, value: number | null) => {
    const [service, key] = id.split('.') as [string, string];
    const forService = { ...(settings.healthThresholds[service] ?? {}) };
    if (value === null) delete forService[key];
    else forService[key] = value;
    const next = { ...settings.healthThresholds, [service]: forService };
    if (!Object.keys(forService).length) delete next[service];
    void update({ healthThresholds: next });
  };
  return (
    <section className="panel" aria-label="Alert thresholds" data-setting="healthThresholds">
      <div className="panel-header">
        <h2>Alert thresholds</h2>
        <span className="faint">defaults from the runbooks; an edited value is bold</span>
      </div>
      <div className="panel-body">
        <OverridesTable label="Alert thresholds" unit="number" rows={rows} onSave={save} />
      </div>
    </section>
  );
}

/** US$ per 1M input tokens, by model: list prices, overrides and models the list does not know. */
export function PriceSettings() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  const defaults = useDefaults();
  if (!settings || !defaults) return null;
  const models = [...new Set([...Object.keys(defaults.embeddingPrices), ...Object.keys(settings.embeddingPrices)])];
  const rows: OverrideRow[] = models.map((m) => ({ id: m, label: m, defaultValue: defaults.embeddingPrices[m] ?? null, value: settings.embeddingPrices[m] }));
  const save = (model: string, value: number | null) => {
    const next = { ...settings.embeddingPrices };
    if (value === null) delete next[model];
    else next[model] = value;
    void update({ embeddingPrices: next });
  };
  return (
    <section className="panel" aria-label="Embedding prices" data-setting="embeddingPrices">
      <div className="panel-header">
        <h2>Embedding prices</h2>
        <span className="faint">estimates and the cost ledger use these</span>
      </div>
      <div className="panel-body">
        <OverridesTable label="Embedding prices" unit="US$ / 1M tokens" rows={rows} onSave={save} addLabel="Model to add" />
      </div>
    </section>
  );
}

/** How often each secret should be rotated (AutoDevOps's table by default). */
export function RotationSettings() {
  const settings = useApp((s) => s.settings);
  const update = useApp((s) => s.updateSettings);
  const defaults = useDefaults();
  if (!settings || !defaults) return null;
  const rows: OverrideRow[] = Object.entries(defaults.rotationDays).map(([key, def]) => ({ id: key, label: key, defaultValue: def, value: settings.rotationDays[key] }));
  const save = (key: string, value: number | null) => {
    const next = { ...settings.rotationDays };
    if (value === null) delete next[key];
    else next[key] = Math.max(1, Math.round(value));
    void update({ rotationDays: next });
  };
  return (
    <section className="panel" aria-label="Rotation reminders" data-setting="rotationDays">
      <div className="panel-header">
        <h2>Rotation reminders</h2>
        <span className="faint">a secret older than this is flagged overdue</span>
      </div>
      <div className="panel-body">
        <OverridesTable label="Rotation reminders" unit="days" rows={rows} step={1} min={1} onSave={save} />
      </div>
    </section>
  );
}
