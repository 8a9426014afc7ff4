import { useState } from 'react';
import type { Alert } from '../../../../shared/contract/alerts.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { Modal } from '../../components/Modal.tsx';
import { attempt, useApp } from '../../state/app-store.ts';

const DURATIONS = [
  ['1 hour', 3_600_000],
  ['4 hours', 4 * 3_600_000],
  ['1 day', 86_400_000],
  ['1 week', 7 * 86_400_000],
] as const;

/** Silence alerts like this one (its rule and labels, editable as globs) until a time, with a reason. */
export function SilenceDialog({ alert, onClose, onDone }: { alert: Alert; onClose(): void; onDone(): void }) {
  const toast = useApp((s) => s.toast);
  const [matchers, setMatchers] = useState<[string, string][]>([['rule', alert.ruleId], ...Object.entries(alert.labels)]);
  const [duration, setDuration] = useState<number>(DURATIONS[0][1]);
  const [comment, setComment] = useState('');
  const save = async () => {
    const s = await attempt('Silencing', () => ops.alerts.silence({ matchers: Object.fromEntries(matchers.filter(([, v]) => v !== '')), endsAt: new Date(Date.now() + duration).toISOString(), comment }));
    if (s) {
      toast({ title: 'Silenced', body: `until ${new Date(s.endsAt).toLocaleString()}`, tone: 'info' });
      onDone();
      onClose();
    }
  };
  return (
    <Modal onOpenChange={(o) => !o && onClose()} title={`Silence alerts like “${alert.ruleName}”`}>
      <p className="muted" style={{ margin: 0 }}>
        Matching alerts still show here but notify nobody until the silence ends. Empty a value to drop a matcher; <code>*</code> matches anything.
      </p>
      <div className="form-grid">
        {matchers.map(([k, v], i) => (
          <Field key={k} label={k} value={v} onChange={(e) => setMatchers(matchers.map((m, j) => (j === i ? [k, e.target.value] : m)))} />
        ))}
      </div>
      <label className="field">
        <span className="muted">For</span>
        <select className="input" aria-label="Silence for" value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
          {DURATIONS.map(([label, ms]) => (
            <option key={label} value={ms}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <Field label="Why (goes to the audit log)" value={comment} onChange={(e) => setComment(e.target.value)} />
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <button className="btn" onClick={onClose}>
          Cancel
        </button>
        <button className="btn btn-primary" disabled={!comment.trim()} onClick={() => void save()}>
          Silence
        </button>
      </div>
    </Modal>
  );
}
