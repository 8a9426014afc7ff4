import { useEffect, useState } from 'react';
import { ops } from '../../client/ops.ts';

type Status = Awaited<ReturnType<typeof ops.warehouse.status>>;

/** Which Postgres the warehouse is: says plainly when it is the embedded one. */
export function WarehouseLine() {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ops.warehouse.status().then(setStatus, (e: Error) => setError(e.message));
  }, []);
  if (error)
    return (
      <p role="status" aria-label="Warehouse">
        <span className="status status-down">warehouse unavailable</span> <span className="muted">{error}</span>
      </p>
    );
  if (!status) return <span className="faint">Connecting to the warehouse…</span>;
  return (
    <p role="status" aria-label="Warehouse">
      Warehouse: {status.mode === 'embedded' ? <strong>embedded PostgreSQL {status.serverVersion}</strong> : <strong>{status.target}</strong>}
      {status.mode === 'embedded' && <span className="faint"> in {status.dataDir} — no Postgres URL configured in the active profile</span>}
      <span className="faint"> · schema {status.schema} v{status.schemaVersion}{status.pgvector ? ' · pgvector' : ''}</span>
    </p>
  );
}
