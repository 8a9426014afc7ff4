import { describe, expect, it } from 'vitest';
import { getCatalogueQuery } from '../../../src/main/queries/index.ts';
import { ACTIONS } from '../../../src/main/runbooks/actions.ts';
import { RUNBOOKS } from '../../../src/main/runbooks/catalogue.ts';
import { RunbookDef } from '../../../src/shared/contract/runbooks.ts';

const CHECKS = new Set(['postgres', 'github', 'openai', 'milvus', 'redis', 'http:*']);

describe('runbook catalogue', () => {
  it('covers the procedures the issue names', () => {
    expect(RUNBOOKS.map((r) => r.id)).toEqual(expect.arrayContaining(['database-connection', 'milvus-connection', 'openai-errors', 'high-latency', 'pool-exhausted', 'queue-backlog', 'billing-spike', 'leaked-secret', 'maintenance-vacuum', 'maintenance-index', 'maintenance-retention', 'maintenance-backup', 'api-service-down', 'high-error-rate', 'webhook-queue-backlog', 'high-disk-usage']));
  });

  it.each(RUNBOOKS.map((r) => [r.id, r] as const))('%s: valid against the contract, every step points at something real', (_id, book) => {
    expect(RunbookDef.parse(book)).toEqual(book);
    expect(new Set(book.steps.map((s) => s.id)).size).toBe(book.steps.length);
    expect(book.source).toMatch(/\.md/);
    for (const s of book.steps) {
      if (s.kind === 'query') {
        const q = getCatalogueQuery(s.queryId);
        const given = new Set(Object.keys(s.params));
        // A step cannot ask the operator for a repository, so its query must not need one.
        expect(q.params.filter((p) => p.default === undefined && !given.has(p.name)).map((p) => p.name)).toEqual([]);
      }
      if (s.kind === 'action') expect(Object.keys(ACTIONS)).toContain(s.action);
      if (s.kind === 'check') for (const c of s.checks) expect(CHECKS).toContain(c);
    }
  });

  it('ids are unique', () => {
    expect(new Set(RUNBOOKS.map((r) => r.id)).size).toBe(RUNBOOKS.length);
  });
});
