import { Dialog } from 'radix-ui';
import { useState } from 'react';
import { ops } from '../../client/ops.ts';
import { CheckField } from '../../components/CheckField.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { Field } from '../../components/Field.tsx';
import { Modal } from '../../components/Modal.tsx';
import { attempt, useApp } from '../../state/app-store.ts';
import { ProfileForm } from './ProfileForm.tsx';
import { SecretsPanel } from './SecretsPanel.tsx';

export function ProfilesPanel() {
  const profiles = useApp((s) => s.profiles);
  const refresh = useApp((s) => s.refreshProfiles);
  const toast = useApp((s) => s.toast);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState('');
  // "Duplicate": a new profile starting from an existing one's settings (and its secrets, unless unticked).
  const [copyFrom, setCopyFrom] = useState('');
  const [copySecrets, setCopySecrets] = useState(true);
  const [deleting, setDeleting] = useState(false);
  const selected = profiles.find((p) => p.id === selectedId) ?? profiles.find((p) => p.active) ?? profiles[0];

  const startCreate = (from: string, name: string) => {
    setCopyFrom(from);
    setNewName(name);
    setCopySecrets(true);
    setCreating(true);
  };
  const create = async () => {
    const p = copyFrom
      ? await attempt('Duplicating profile', () => ops.profiles.duplicate({ id: copyFrom, name: newName, copySecrets })).then((r) => r?.profile)
      : await attempt('Creating profile', () => ops.profiles.create({ name: newName }));
    if (!p) return;
    setCreating(false);
    setNewName('');
    await refresh();
    setSelectedId(p.id);
    toast({ title: `Profile "${p.name}" ${copyFrom ? 'duplicated' : 'created'}`, tone: 'healthy' });
  };

  return (
    <section className="panel">
      <div className="panel-header">
        <h2>Connection profiles</h2>
        <span className="muted">Non-secret settings live here; secrets go to the OS keychain.</span>
        <div className="spacer" />
        <button className="btn btn-sm" onClick={() => startCreate('', '')}>
          New profile
        </button>
      </div>
      <div className="panel-body" style={{ display: 'grid', gridTemplateColumns: '180px 1fr', gap: 16 }}>
        <div className="stack" role="listbox" aria-label="Profiles">
          {profiles.map((p) => (
            <button key={p.id} role="option" aria-selected={p.id === selected?.id} className={`nav-link btn-ghost`} style={{ border: 0, textAlign: 'left' }} onClick={() => setSelectedId(p.id)}>
              {p.name}
              {p.active && <span className="status status-healthy" style={{ marginLeft: 'auto' }}>active</span>}
            </button>
          ))}
          {!profiles.length && <span className="muted">No profiles yet. Create one to store credentials.</span>}
        </div>
        {selected && (
          <div className="stack" key={selected.id}>
            <div className="row">
              <h3>{selected.name}</h3>
              <div className="spacer" />
              {!selected.active && (
                <button className="btn btn-sm" onClick={() => void attempt('Activating', () => ops.profiles.activate({ id: selected.id })).then(refresh)}>
                  Make active
                </button>
              )}
              <button className="btn btn-sm" onClick={() => startCreate(selected.id, `${selected.name} copy`)}>
                Duplicate
              </button>
              <button className="btn btn-sm btn-danger" onClick={() => setDeleting(true)}>
                Delete
              </button>
            </div>
            <ProfileForm
              key={selected.updatedAt}
              profile={selected}
              onSave={async (fields) => {
                const r = await attempt('Saving profile', () => ops.profiles.update({ id: selected.id, patch: fields }));
                if (r) {
                  await refresh();
                  toast({ title: 'Profile saved', tone: 'healthy' });
                }
              }}
            />
            <h3>Secrets</h3>
            <SecretsPanel profileId={selected.id} />
            <ConfirmDialog
              open={deleting}
              onOpenChange={setDeleting}
              title={`Delete profile "${selected.name}"?`}
              confirmLabel="Delete profile and its secrets"
              danger
              onConfirm={() => void attempt('Deleting profile', () => ops.profiles.delete({ id: selected.id })).then(refresh)}
            >
              <p>The profile and all its keychain entries are removed. This cannot be undone.</p>
            </ConfirmDialog>
          </div>
        )}
      </div>
      <Modal open={creating} onOpenChange={setCreating} title="New connection profile">
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <Field label="Name" autoFocus value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="production" />
          {profiles.length > 0 && (
            <div className="field">
              <label htmlFor="profile-copy-from">Start from</label>
              <select id="profile-copy-from" className="input" value={copyFrom} onChange={(e) => setCopyFrom(e.target.value)}>
                <option value="">Defaults (a blank profile)</option>
                {profiles.map((p) => (
                  <option key={p.id} value={p.id}>
                    A copy of "{p.name}"
                  </option>
                ))}
              </select>
            </div>
          )}
          {copyFrom && <CheckField label="Copy its stored secrets too" checked={copySecrets} onChange={setCopySecrets} />}
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <Dialog.Close className="btn" type="button">
              Cancel
            </Dialog.Close>
            <button className="btn btn-primary" type="submit" disabled={!newName.trim()}>
              {copyFrom ? 'Duplicate' : 'Create'}
            </button>
          </div>
        </form>
      </Modal>
    </section>
  );
}
