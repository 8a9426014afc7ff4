import { describe, expect, it } from 'vitest';
import type { CheckResult, HealthRun } from '../../src/shared/contract/health.ts';
import { RUNBOOKS } from '../../src/main/runbooks/catalogue.ts';
import { linkPieces } from '../../src/shared/fix-links.ts';
import { overallView, runbookFor } from '../../src/shared/health-overall.ts';
import { plural, readable } from '../../src/shared/text.ts';

const result = (id: string, name: string, status: CheckResult['status'], configured = true): CheckResult => ({ id, kind: id, name, status, latencyMs: 1, summary: '', details: {}, findings: [], checkedAt: '2026-01-01T00:00:00.000Z', configured });
const run = (results: CheckResult[], status: HealthRun['report']['status'] = 'healthy'): HealthRun => ({ results, report: { status, timestamp: '2026-01-01T00:00:00.000Z', version: '0', services: {} }, durationMs: 1 });

describe('health headline', () => {
  it('is "incomplete setup" while GitHub, OpenAI or Milvus is not configured, naming them', () => {
    const v = overallView(run([result('postgres', 'Postgres', 'healthy'), result('github', 'GitHub', 'unknown', false), result('openai', 'OpenAI', 'unknown', false), result('milvus', 'Milvus', 'unknown', false), result('redis', 'Redis', 'unknown', false)]));
    expect(v).toEqual({ status: 'degraded', label: 'incomplete setup', missing: ['GitHub', 'OpenAI', 'Milvus'] });
  });
  it('is healthy when everything needed is configured (Redis is optional), and down stays down', () => {
    expect(overallView(run([result('postgres', 'Postgres', 'healthy'), result('github', 'GitHub', 'healthy'), result('openai', 'OpenAI', 'healthy'), result('milvus', 'Milvus', 'healthy'), result('redis', 'Redis', 'unknown', false)]))).toMatchObject({ status: 'healthy', label: 'overall healthy' });
    expect(overallView(run([result('postgres', 'Postgres', 'down'), result('github', 'GitHub', 'unknown', false)], 'down'))).toMatchObject({ status: 'down', label: 'overall down', missing: ['GitHub'] });
  });
  it('a DOWN card links to the runbook for its service', () => {
    expect(runbookFor('postgres', RUNBOOKS)?.id).toBe('database-connection');
    expect(runbookFor('milvus', RUNBOOKS)?.id).toBe('milvus-connection');
    expect(runbookFor('openai', RUNBOOKS)?.id).toBe('openai-errors');
    expect(runbookFor('redis', RUNBOOKS)?.id).toBe('queue-backlog');
    expect(runbookFor('http:api', RUNBOOKS)?.id).toBe('high-latency');
    expect(runbookFor('github', RUNBOOKS)?.id).toBe('github-rate-limit');
    expect(runbookFor('nothing', RUNBOOKS)).toBeNull();
  });
});

describe('messages', () => {
  it('errors link to their fix: "Settings → Secrets" becomes a link to that section', () => {
    expect(linkPieces('No GitHub token: add one in Settings → Secrets (or GITHUB_TOKEN)')).toEqual([{ text: 'No GitHub token: add one in ' }, { text: 'Settings → Secrets', to: '/settings?focus=secrets' }, { text: ' (or GITHUB_TOKEN)' }]);
    expect(linkPieces('Raise the cap (Settings → Budgets) and resume')[1]).toEqual({ text: 'Settings → Budgets', to: '/settings?focus=budgets' });
    expect(linkPieces('nothing to link')).toEqual([{ text: 'nothing to link' }]);
  });
  it('plurals and readable figures', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(plural(1200, 'match', 'matches')).toBe('1,200 matches');
    expect(readable({ rateLimits: { graphql: { remaining: 4990 } }, ok: true })).toBe('rate limits: (graphql: (remaining: 4,990)) · ok: yes');
    expect(readable({ workspaces: [], repos: ['a/b', 'c/d'] })).toBe('workspaces: — · repos: a/b, c/d');
  });
});
