import { useCallback, useEffect, useState } from 'react';
import type { CheckResult, Connection } from '../../../../shared/contract/health.ts';
import type { SecretsOverview, SecretStatus } from '../../../../shared/contract/secrets.ts';
import { CONNECTION_LABELS, SECRET_CONNECTION } from '../../../../shared/connections.ts';
import { ConnectionsTable, Verdict } from './ConnectionsTable.tsx';
import { ops } from '../../client/ops.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatTime } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';

/** Write-only secret fields: values go to the OS keychain and are never read back. */
export function SecretsPanel({ profileId }: { profileId: string }) {
  const [overview, setOverview] = useState<SecretsOverview | null>(null);
  const [verdicts, setVerdicts] = useState<CheckResult[]>([]);
  const [testing, setTesting] = useState<ReadonlySet<Connection>>(new Set());
  const refresh = useCallback(() => void attempt('Reading secret status', () => ops.secrets.status({ profileId })).then((o) => o && setOverview(o)), [profileId]);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    // This profile's verdicts only (the panel is remounted per profile, so another's never linger).
    void attempt('Reading connection verdicts', () => ops.health.verdicts({ profileId })).then((v) => v && setVerdicts(v));
  }, [profileId]);
  const test = useCallback(
    async (connection: Connection) => {
      setTesting((t) => new Set(t).add(connection));
      const v = await attempt(`Testing ${CONNECTION_LABELS[connection]}`, () => ops.health.test({ profileId, connection }));
      setTesting((t) => {
        const n = new Set(t);
        n.delete(connection);
        return n;
      });
      if (v) setVerdicts((all) => [...all.filter((x) => x.id !== v.id), v]);
    },
    [profileId],
  );
  if (!overview) return <div className="faint">Reading the keychain…</div>;
  const k = overview.keychain;
  return (
    <div className="stack">
      {k.store === 'encrypted-file' ? (
        <FileStoreBanner keychain={k} onUnlocked={refresh} />
      ) : (
        !k.available && (
          <div className="banner banner-down" role="alert">
            <strong>OS keychain unavailable.</strong> {k.message} Secrets from environment variables still work.
          </div>
        )
      )}
      <table className="simple" aria-label="Secrets">
        <thead>
          <tr>
            <th>Secret</th>
            <th>Status</th>
            <th>Rotation</th>
            <th style={{ width: '40%' }}>New value</th>
          </tr>
        </thead>
        <tbody>
          {overview.items.map((s) => (
            <SecretRow key={s.key} profileId={profileId} status={s} disabled={!overview.keychain.available} onChange={refresh} onTest={test} verdict={<Verdict connection={SECRET_CONNECTION[s.key]} verdict={verdicts.find((v) => v.id === SECRET_CONNECTION[s.key])} secrets={overview.items} testing={testing.has(SECRET_CONNECTION[s.key])} />} />
          ))}
        </tbody>
      </table>
      <ConnectionsTable verdicts={verdicts} secrets={overview.items} testing={testing} onTest={(c) => void test(c)} />
    </div>
  );
}

/** A machine without an OS keychain keeps secrets in an encrypted file: create or unlock it here. */
function FileStoreBanner({ keychain, onUnlocked }: { keychain: SecretsOverview['keychain']; onUnlocked(): void }) {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const toast = useApp((s) => s.toast);
  const creating = keychain.uninitialized;
  const mismatch = creating && again !== '' && again !== passphrase;
  const submit = async () => {
    const r = await attempt(creating ? 'Creating the secrets file' : 'Unlocking the secrets file', () => ops.secrets.unlock({ passphrase }));
    setPassphrase('');
    setAgain('');
    if (r) {
      toast({ title: r.created ? 'Encrypted secrets file created' : 'Secrets file unlocked', tone: 'healthy' });
      onUnlocked();
    }
  };
  if (!keychain.locked) {
    return (
      <div className="banner banner-info" role="status">
        <strong>Secrets are stored in an encrypted file</strong> in the data directory ({keychain.reason}). It stays unlocked until the console stops.
      </div>
    );
  }
  return (
    <form
      className="banner banner-degraded stack"
      aria-label="Encrypted secrets file"
      onSubmit={(e) => {
        e.preventDefault();
        if (passphrase && !mismatch && (!creating || again)) void submit();
      }}
    >
      <div>
        <strong>{creating ? 'No OS keychain on this machine.' : 'The encrypted secrets file is locked.'}</strong>{' '}
        {creating
          ? 'Secrets can be kept in a file in the data directory, encrypted with a passphrase you choose (at least 12 characters). The passphrase is never stored: enter it after each restart, or set REPO_OPS_SECRETS_PASSPHRASE for unattended runs.'
          : 'Enter its passphrase to read and store secrets (or set REPO_OPS_SECRETS_PASSPHRASE).'}{' '}
        <span className="faint">({keychain.reason})</span>
      </div>
      <div className="row" style={{ flexWrap: 'nowrap' }}>
        <input className="input" type="password" autoComplete="off" aria-label="Passphrase" placeholder="Passphrase" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} style={{ flex: 1 }} />
        {creating && <input className="input" type="password" autoComplete="off" aria-label="Repeat passphrase" placeholder="Repeat passphrase" value={again} onChange={(e) => setAgain(e.target.value)} style={{ flex: 1 }} />}
        <button className="btn btn-sm btn-primary" type="submit" disabled={!passphrase || mismatch || (creating && !again)}>
          {creating ? 'Create secrets file' : 'Unlock'}
        </button>
      </div>
      {mismatch && <div className="status status-down">The passphrases differ.</div>}
    </form>
  );
}

function SecretRow({ profileId, status, disabled, onChange, onTest, verdict }: { profileId: string; status: SecretStatus; disabled: boolean; onChange(): void; onTest(c: Connection): Promise<void>; verdict: React.ReactNode }) {
  const [value, setValue] = useState('');
  const [confirm, setConfirm] = useState(false);
  const toast = useApp((s) => s.toast);
  const connection = SECRET_CONNECTION[status.key];
  /** Saves the value; with `andTest`, then runs this connection's check and shows the verdict in the row. */
  const save = async (andTest = false) => {
    const r = await attempt(`Saving ${status.label}`, () => ops.secrets.set({ profileId, key: status.key, value }));
    setValue('');
    if (r) {
      toast({ title: `${status.label} stored in the ${r.source === 'file' ? 'secrets file' : 'keychain'}`, tone: 'healthy' });
      onChange();
      if (andTest) await onTest(connection);
    }
  };
  return (
    <tr data-secret={status.key}>
      <td>
        <strong>{status.label}</strong>
        <div className="faint mono" style={{ fontSize: 11 }}>
          {status.envVars.join(' / ')}
        </div>
      </td>
      <td>
        {status.source === 'keychain' && <StatusBadge status="healthy" label="in keychain" />}
        {status.source === 'file' && <StatusBadge status="healthy" label="in secrets file" />}
        {status.source === 'env' && <StatusBadge status="degraded" label="from env" />}
        {status.source === 'none' && <StatusBadge status="unknown" label="not set" />}
        {status.setAt && <div className="faint">set {formatTime(status.setAt)}</div>}
      </td>
      <td>
        {status.rotationDueAt ? (
          <span className={status.rotationOverdue ? 'status status-down' : 'muted'}>
            {status.rotationOverdue ? 'overdue since ' : 'by '}
            {status.rotationDueAt.slice(0, 10)}
          </span>
        ) : (
          <span className="faint">every {status.rotateEveryDays} d</span>
        )}
      </td>
      <td>
        <form
          className="row"
          style={{ flexWrap: 'nowrap' }}
          onSubmit={(e) => {
            e.preventDefault();
            if (value) void save();
          }}
        >
          <input className="input" type="password" autoComplete="off" spellCheck={false} aria-label={`New ${status.label}`} placeholder={status.source === 'keychain' || status.source === 'file' ? 'Replace…' : 'Paste to store…'} value={value} disabled={disabled} onChange={(e) => setValue(e.target.value)} style={{ flex: 1 }} />
          <button className="btn btn-sm" type="submit" disabled={!value || disabled}>
            Save
          </button>
          <button className="btn btn-sm btn-primary" type="button" disabled={!value || disabled} onClick={() => void save(true)} title={`Save, then test the ${CONNECTION_LABELS[connection]} connection of this profile`}>
            Save &amp; test
          </button>
          {(status.source === 'keychain' || status.source === 'file') && (
            <button className="btn btn-sm btn-danger" type="button" onClick={() => setConfirm(true)}>
              Remove
            </button>
          )}
        </form>
        {verdict}
        <ConfirmDialog
          open={confirm}
          onOpenChange={setConfirm}
          title={`Remove ${status.label}?`}
          confirmLabel="Remove from keychain"
          danger
          onConfirm={() => void attempt('Removing secret', () => ops.secrets.delete({ profileId, key: status.key })).then(onChange)}
        >
          <p>The keychain entry for this profile is deleted. Jobs that need it will stop with a clear message until a new value is stored{status.envVars.length ? ` or ${status.envVars.join('/')} is set` : ''}.</p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}
