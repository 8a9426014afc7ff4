import { useEffect, useState } from 'react';
import { EVENT_TYPES, type EventType, type LeaderboardConfig, type WeightsPreview } from '../../../../shared/contract/leaderboard.ts';
import { ops } from '../../client/ops.ts';
import { Field } from '../../components/Field.tsx';
import { plural } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';
import '../leaderboard/leaderboard.css';

const LABELS: Record<EventType, string> = { commit: 'Commit', pr_opened: 'PR opened', pr_merged: 'PR merged', pr_reviewed: 'PR reviewed', issue_opened: 'Issue opened', issue_closed: 'Issue closed', comment: 'Comment', release: 'Release' };
type Draft = Record<EventType, string> & { lineAddedWeight: string; lineDeletedWeight: string; lineBonusCap: string; botPatterns: string; countSelfReviews: boolean };

const toDraft = (c: LeaderboardConfig): Draft => ({
  ...(Object.fromEntries(EVENT_TYPES.map((t) => [t, String(c.weights[t])])) as Record<EventType, string>),
  lineAddedWeight: String(c.settings.lineAddedWeight),
  lineDeletedWeight: String(c.settings.lineDeletedWeight),
  lineBonusCap: String(c.settings.lineBonusCap),
  botPatterns: c.settings.botPatterns.join('\n'),
  countSelfReviews: c.settings.countSelfReviews,
});

/** Scoring weights with a preview of how ranks would move before saving; saves are audited and recalculate in full. */
export function LeaderboardWeightsPanel() {
  const hasProfile = useApp((s) => s.profiles.length > 0);
  const toast = useApp((s) => s.toast);
  const [config, setConfig] = useState<LeaderboardConfig | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [preview, setPreview] = useState<WeightsPreview | null>(null);
  const load = () =>
    void attempt('Reading the leaderboard weights', () => ops.leaderboard.config()).then((c) => {
      if (!c) return;
      setConfig(c);
      setDraft(toDraft(c));
      setPreview(null);
    });
  useEffect(() => {
    if (hasProfile) load();
  }, [hasProfile]);
  if (!draft || !config) return null;
  const set = (p: Partial<Draft>) => {
    setDraft({ ...draft, ...p });
    setPreview(null);
  };
  const input = () => ({
    weights: Object.fromEntries(EVENT_TYPES.map((t) => [t, Number(draft[t])])) as Record<EventType, number>,
    settings: {
      lineAddedWeight: Number(draft.lineAddedWeight),
      lineDeletedWeight: Number(draft.lineDeletedWeight),
      lineBonusCap: Number(draft.lineBonusCap),
      countSelfReviews: draft.countSelfReviews,
      botPatterns: draft.botPatterns.split('\n').map((s) => s.trim()).filter(Boolean),
    },
  });
  const runPreview = async () => {
    const p = await attempt('Previewing the ranks', () => ops.leaderboard.preview({ ...input(), top: 20 }));
    if (p) setPreview(p);
  };
  const save = async () => {
    const r = await attempt('Saving the weights', () => ops.leaderboard.saveConfig(input()));
    if (!r) return;
    toast({ title: 'Leaderboard weights saved', body: r.run ? 'A full recalculation is running (see Jobs).' : 'Nothing changed.', tone: 'healthy' });
    load();
  };
  return (
    <section className="panel" aria-label="Leaderboard weights">
      <div className="panel-header">
        <h2>Leaderboard weights</h2>
        <span className="muted">Points per contribution; changes are audited and recalculate every board.</span>
      </div>
      <div className="panel-body stack">
        <div className="form-grid">
          {EVENT_TYPES.map((t) => (
            <Field key={t} label={LABELS[t]} type="number" min={0} step={0.5} value={draft[t]} onChange={(e) => set({ [t]: e.target.value } as Partial<Draft>)} />
          ))}
          <Field label="Line bonus per added line" type="number" min={0} step={0.001} value={draft.lineAddedWeight} onChange={(e) => set({ lineAddedWeight: e.target.value })} />
          <Field label="Line bonus per deleted line" type="number" min={0} step={0.001} value={draft.lineDeletedWeight} onChange={(e) => set({ lineDeletedWeight: e.target.value })} />
          <Field label="Line bonus cap (per repository)" type="number" min={0} value={draft.lineBonusCap} onChange={(e) => set({ lineBonusCap: e.target.value })} />
          <label className="field">
            <span className="muted">Bot patterns (SQL LIKE, one a line)</span>
            <textarea className="input" rows={4} style={{ height: 'auto' }} aria-label="Bot patterns" value={draft.botPatterns} onChange={(e) => set({ botPatterns: e.target.value })} />
          </label>
          <label className="row">
            <input type="checkbox" checked={draft.countSelfReviews} onChange={(e) => set({ countSelfReviews: e.target.checked })} /> Count reviews of one's own PR
          </label>
        </div>
        <div className="row">
          <button className="btn" onClick={() => void runPreview()}>
            Preview ranks
          </button>
          <button className="btn btn-primary" onClick={() => void save()}>
            Save and recalculate
          </button>
          <button className="btn btn-ghost" onClick={() => set(toDraft(config))}>
            Reset
          </button>
        </div>
        {preview && (
          <div className="stack" aria-label="Weights preview">
            <span className="muted">
              {preview.moved} of {plural(preview.contributors, 'contributor')} would move on the {preview.scope} board{preview.moved > preview.changes.length ? ` (top ${preview.changes.length} shown)` : ''}.
            </span>
            {preview.changes.length > 0 && (
              <table className="simple">
                <thead>
                  <tr>
                    <th>Contributor</th>
                    <th>Rank now</th>
                    <th>Would be</th>
                    <th>Score now</th>
                    <th>Would be</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.changes.map((c) => (
                    <tr key={c.username} data-preview-user={c.username}>
                      <td>{c.username}</td>
                      <td>#{c.rank}</td>
                      <td className={c.newRank < c.rank ? 'lb-up' : 'lb-down'}>
                        #{c.newRank} {c.newRank < c.rank ? '▲' : '▼'}
                        {Math.abs(c.rank - c.newRank)}
                      </td>
                      <td className="mono">{c.totalScore.toFixed(2)}</td>
                      <td className="mono">{c.newScore.toFixed(2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
