import { useEffect, useState } from 'react';
import type { LlmEstimate } from '../../../../shared/contract/etl.ts';
import { ops } from '../../client/ops.ts';
import { CheckField } from '../../components/CheckField.tsx';
import { formatNumber, plural } from '../../lib/format.ts';
import { attempt } from '../../state/app-store.ts';

const usd = (v: number) => (v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`);

/**
 * Starts the What Shipped job; with the LLM box ticked it also scores the PRs whose content has
 * no answer yet (paid: the estimate shows before the run, budgets are checked when it starts).
 */
export function WhatShippedRun({ repository, disabled, reloadKey }: { repository: string | null; disabled: boolean; /** A change re-estimates (the page's data after a run). */ reloadKey: unknown }) {
  const [llm, setLlm] = useState(false);
  // Answers are kept with the scope they were for, so a late one for another repository is never shown.
  const [answer, setAnswer] = useState<{ key: string; estimate?: LlmEstimate; error?: string } | null>(null);
  const key = repository ?? '*';
  useEffect(() => {
    if (!llm) return;
    let live = true;
    ops.etl.llmEstimate({ repository }).then(
      (e) => live && setAnswer({ key, estimate: e }),
      (e: Error) => live && setAnswer({ key, error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [llm, repository, key, reloadKey]);
  const current = answer?.key === key ? answer : null;
  const estimate = current?.estimate ?? null;
  const estimateError = current?.error ?? null;
  const start = () => attempt('Starting What Shipped', () => ops.etl.whatShipped({ repository, llm }));
  return (
    <div className="row" aria-label="What Shipped run">
      <CheckField label="LLM summaries and risk" checked={llm} onChange={setLlm} />
      {llm && (
        <span className="muted" data-testid="llm-estimate" role="status">
          {estimateError
            ? estimateError
            : !estimate
              ? 'estimating…'
              : estimate.prs === 0
                ? `${estimate.model}: every PR in scope has an answer for its current content (nothing to pay)`
                : `${estimate.model}: ${plural(estimate.prs, 'PR')} to score (${formatNumber(estimate.alreadyScored)} unchanged skipped) · ≈${formatNumber(estimate.inputTokens)} input tokens · at most ${usd(estimate.usd)} · ${plural(estimate.githubRequests, 'GitHub request')}`}
        </span>
      )}
      <button className="btn" disabled={disabled} onClick={() => void start()}>
        {llm ? 'Run What Shipped with LLM' : 'Run What Shipped'}
      </button>
    </div>
  );
}
