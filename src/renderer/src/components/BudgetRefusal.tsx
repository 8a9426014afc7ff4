import { useState } from 'react';

/** A paid job refused by a budget: the reason, and an override the audit log records (who, why). */
export function BudgetRefusal({ message, onOverride }: { message: string; onOverride(reason: string): void }) {
  const [reason, setReason] = useState('');
  return (
    <div className="banner banner-down stack" role="alert" aria-label="Refused by a budget">
      <div>{message}</div>
      <div className="row">
        <input className="input" style={{ flex: 1 }} aria-label="Why start it anyway" placeholder="Why start it anyway (recorded in the audit log)" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button className="btn btn-danger" disabled={reason.trim().length < 3} onClick={() => onOverride(reason.trim())}>
          Start anyway
        </button>
      </div>
    </div>
  );
}

/** Whether a start failed because a budget refused it (the core's message). */
export const isBudgetRefusal = (e: unknown) => e instanceof Error && e.message.startsWith('Refused: Budget');
