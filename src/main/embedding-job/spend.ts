import type { CostEntry } from '../costs/ledger.ts';
import type { Amount } from '../costs/guard.ts';
import type { OutboxBatch } from './outbox.ts';

interface Share {
  repositoryId: string | null;
  repository: string | null;
  tokens: number;
  items: number;
}

function byRepository(items: readonly { repositoryId: string; repository: string; tokens: number }[]): Share[] {
  const m = new Map<string, Share>();
  for (const i of items) {
    const s = m.get(i.repositoryId) ?? { repositoryId: i.repositoryId, repository: i.repository, tokens: 0, items: 0 };
    s.tokens += i.tokens;
    s.items++;
    m.set(i.repositoryId, s);
  }
  return [...m.values()];
}

/** A batch's estimated spend for the budget check, split by repository (local token counts). */
export function batchAmount(items: readonly { repositoryId: string; repository: string; tokens: number }[], usdPerToken: number): Amount {
  const parts = byRepository(items).map((s) => ({ repository: s.repository, tokens: s.tokens, usd: s.tokens * usdPerToken }));
  return { usd: parts.reduce((n, p) => n + p.usd, 0), tokens: parts.reduce((n, p) => n + p.tokens, 0), parts };
}

/** What stored batches cost, as ledger entries per repository (billed tokens apportioned by local counts). */
export function costEntries(batches: readonly OutboxBatch[], o: { model: string; runId: string; jobKind: string }): CostEntry[] {
  const m = new Map<string, CostEntry>();
  for (const b of batches) {
    const shares = byRepository(b.items);
    const local = shares.reduce((n, s) => n + s.tokens, 0) || 1;
    shares.forEach((s, i) => {
      const e = m.get(s.repositoryId!) ?? { category: 'embeddings' as const, model: o.model, runId: o.runId, jobKind: o.jobKind, repositoryId: s.repositoryId, repository: s.repository, requests: 0, inputTokens: 0, items: 0, usd: 0 };
      e.inputTokens! += Math.round((b.tokens * s.tokens) / local);
      e.usd! += (b.usd * s.tokens) / local;
      e.items! += s.items;
      if (i === 0) e.requests! += b.requests;
      m.set(s.repositoryId!, e);
    });
  }
  return [...m.values()];
}

/** The actual spend of stored batches, in the guard's terms. */
export function actualAmount(batches: readonly OutboxBatch[]): Amount {
  const parts = costEntries(batches, { model: '', runId: '', jobKind: '' }).map((e) => ({ repository: e.repository ?? null, usd: e.usd, tokens: e.inputTokens }));
  return { usd: parts.reduce((n, p) => n + (p.usd ?? 0), 0), tokens: parts.reduce((n, p) => n + (p.tokens ?? 0), 0), parts };
}
