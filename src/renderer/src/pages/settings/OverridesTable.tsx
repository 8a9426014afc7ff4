import { useState } from 'react';

export interface OverrideRow {
  /** Stable key, also the data attribute tests find the row by. */
  id: string;
  group?: string;
  label: string;
  /** null: no built-in value (an operator-added entry). */
  defaultValue: number | null;
  value: number | undefined;
}

/**
 * Built-in values beside the operator's overrides: edit a value to override it, clear it (or
 * "Reset") to go back to the default. Shared by thresholds, prices and rotation intervals.
 */
export function OverridesTable({ label, unit, rows, step = 'any', min = 0, onSave, addLabel }: { label: string; unit: string; rows: OverrideRow[]; step?: number | 'any'; min?: number; onSave(id: string, value: number | null): void; addLabel?: string }) {
  const [newId, setNewId] = useState('');
  return (
    <table className="simple" aria-label={label}>
      <thead>
        <tr>
          {rows.some((r) => r.group) && <th>Service</th>}
          <th>Setting</th>
          <th style={{ textAlign: 'right' }}>Default</th>
          <th style={{ width: 160 }}>Value ({unit})</th>
          <th style={{ width: 70 }} />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-override={r.id}>
            {rows.some((x) => x.group) && <td className="muted">{r.group}</td>}
            <td>{r.label}</td>
            <td className="mono" style={{ textAlign: 'right' }}>
              {r.defaultValue ?? '—'}
            </td>
            <td>
              <input
                key={`${r.id}:${r.value ?? ''}`}
                className="input mono"
                type="number"
                step={step}
                min={min}
                aria-label={`${r.group ? `${r.group} ` : ''}${r.label}`}
                placeholder={r.defaultValue === null ? '' : String(r.defaultValue)}
                defaultValue={r.value ?? ''}
                style={{ width: '100%', fontWeight: r.value !== undefined ? 600 : undefined }}
                onBlur={(e) => {
                  const raw = e.target.value.trim();
                  const n = Number(raw);
                  if (raw === '') {
                    if (r.value !== undefined) onSave(r.id, null);
                  } else if (Number.isFinite(n) && n >= min && n !== r.value) onSave(r.id, n);
                }}
              />
            </td>
            <td>
              {r.value !== undefined && (
                <button className="btn btn-sm" type="button" onClick={() => onSave(r.id, null)} aria-label={`Reset ${r.label}`}>
                  Reset
                </button>
              )}
            </td>
          </tr>
        ))}
        {addLabel && (
          <tr>
            <td colSpan={rows.some((r) => r.group) ? 5 : 4}>
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (newId.trim()) onSave(newId.trim(), 0);
                  setNewId('');
                }}
              >
                <input className="input" aria-label={addLabel} placeholder={addLabel} value={newId} onChange={(e) => setNewId(e.target.value)} />
                <button className="btn btn-sm" type="submit" disabled={!newId.trim()}>
                  Add
                </button>
              </form>
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
