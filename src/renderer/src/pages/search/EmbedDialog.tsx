import { Dialog, ToggleGroup } from 'radix-ui';
import { useEffect, useState } from 'react';
import type { EmbedPlan } from '../../../../shared/contract/embeddings.ts';
import { ops } from '../../client/ops.ts';
import { BudgetRefusal, isBudgetRefusal } from '../../components/BudgetRefusal.tsx';
import { Modal } from '../../components/Modal.tsx';
import { formatNumber } from '../../lib/format.ts';
import { attempt, useApp } from '../../state/app-store.ts';

/** Shows what an embedding run will cost (tokens counted locally) before anything is spent. */
export function EmbedDialog({ repositories, open, onOpenChange }: { repositories: string[]; open: boolean; onOpenChange(o: boolean): void }) {
  const [repository, setRepository] = useState<string>('');
  const [only, setOnly] = useState<('issue' | 'pr')[]>(['issue', 'pr']);
  const [plan, setPlan] = useState<EmbedPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const toast = useApp((s) => s.toast);
  useEffect(() => {
    if (!open || !only.length) return;
    let alive = true;
    ops.embed.plan({ repository: repository || undefined, only }).then(
      (p) => alive && (setPlan(p), setError(null)),
      (e: Error) => alive && (setPlan(null), setError(e.message)),
    );
    return () => {
      alive = false;
    };
  }, [open, repository, only]);
  const start = async (override?: string) => {
    const run = await attempt('Starting embeddings', async () => {
      try {
        return await ops.embed.start({ repository: repository || undefined, only, budgetOverride: override ? { reason: override } : undefined });
      } catch (e) {
        if (!isBudgetRefusal(e)) throw e;
        setRefusal((e as Error).message);
        return undefined;
      }
    });
    if (run) {
      setRefusal(null);
      toast({ title: run.attempt > 1 ? 'Resuming the interrupted embedding run' : 'Embedding started', tone: 'info' });
      onOpenChange(false);
    }
  };
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Embed pull requests and issues">
      <div className="row">
        <select className="input" aria-label="Repository to embed" value={repository} onChange={(e) => setRepository(e.target.value)}>
          <option value="">All tracked repositories</option>
          {repositories.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <ToggleGroup.Root type="multiple" className="toggle-group" aria-label="Item types" value={only} onValueChange={(v) => setOnly(v as ('issue' | 'pr')[])}>
          <ToggleGroup.Item value="issue">Issues</ToggleGroup.Item>
          <ToggleGroup.Item value="pr">Pull requests</ToggleGroup.Item>
        </ToggleGroup.Root>
      </div>
      {error && <div className="banner banner-down">{error}</div>}
      {refusal && <BudgetRefusal message={refusal} onOverride={(reason) => void start(reason)} />}
      {plan && (
        <dl className="kv" aria-label="Embedding estimate">
          <dt>Model</dt>
          <dd>
            {plan.model} · {plan.dimensions} dimensions → Milvus <code>{plan.collection}</code>
          </dd>
          <dt>Items</dt>
          <dd>
            {formatNumber(plan.due)} of {formatNumber(plan.items)} need embeddings (unchanged items are never sent again)
          </dd>
          <dt>Tokens</dt>
          <dd>{formatNumber(plan.tokens)} (counted locally)</dd>
          {plan.truncated > 0 && (
            <>
              <dt>Cut to the input limit</dt>
              <dd>{formatNumber(plan.truncated)} items are longer than the model accepts: each is embedded cut, the rest of its text is not (logged per item)</dd>
            </>
          )}
          <dt>Estimated cost</dt>
          <dd>
            ${plan.usd.toFixed(plan.usd < 1 ? 4 : 2)} at ${plan.pricePerMillionTokens} per 1M tokens
          </dd>
        </dl>
      )}
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <Dialog.Close className="btn">Cancel</Dialog.Close>
        <button className="btn btn-primary" disabled={!plan || plan.due === 0} onClick={() => void start()}>
          {plan?.due === 0 ? 'Nothing to embed' : 'Start embedding'}
        </button>
      </div>
    </Modal>
  );
}
