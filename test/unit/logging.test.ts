import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCore, type TestCore } from '../helpers/core.ts';

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
});
afterAll(() => t.close());

describe('structured logging and the log store', () => {
  it('stores lines with event names, run ids and data, newest first', async () => {
    const log = t.core.logger.child({ runId: 'run-a', component: 'sync' });
    log.info('pipeline_started', 'Pipeline started for octo/repo', { repo: 'octo/repo' });
    log.warn('rate_limit_hit', 'Secondary rate limit, waiting 60 s', { retryAfter: 60 });
    t.core.logger.child({ runId: 'run-b' }).error('scrape_progress', 'other run');
    const { entries } = await t.ops.logs.query({ runId: 'run-a', limit: 10 });
    expect(entries.map((e) => e.event)).toEqual(['rate_limit_hit', 'pipeline_started']);
    expect(entries[0]).toMatchObject({ level: 'warn', runId: 'run-a', component: 'sync', data: { retryAfter: 60 } });
  });

  it('searches full text, filters by level and pages with beforeId', async () => {
    for (let i = 0; i < 30; i++) t.core.logger.info('batch_done', `batch ${i} wrote rows to zebrafish_table`);
    t.core.logger.error('batch_failed', 'zebrafish_table insert failed');
    const hits = await t.ops.logs.query({ text: 'zebrafish', limit: 100 });
    expect(hits.entries).toHaveLength(31);
    const errors = await t.ops.logs.query({ text: 'zebrafish', levels: ['error'], limit: 100 });
    expect(errors.entries.map((e) => e.event)).toEqual(['batch_failed']);
    const page1 = await t.ops.logs.query({ text: 'zebrafish', limit: 10 });
    expect(page1.hasMore).toBe(true);
    const page2 = await t.ops.logs.query({ text: 'zebrafish', limit: 10, beforeId: page1.entries.at(-1)!.id });
    expect(page2.entries[0]!.id).toBeLessThan(page1.entries.at(-1)!.id);
    expect(await t.ops.logs.query({ text: 'zebra', limit: 100 })).toMatchObject({ entries: expect.any(Array) });
    expect((await t.ops.logs.query({ text: 'zebra', limit: 100 })).entries.length).toBe(31); // prefix match on the last term
  });

  it('treats search syntax in user text as plain text', async () => {
    for (const q of ['"unclosed', 'a AND OR NOT', 'col:val', '*', 'NEAR(a b)', "'; DROP TABLE log_entries; --"]) {
      await expect(t.ops.logs.query({ text: q, limit: 5 })).resolves.toMatchObject({ entries: expect.any(Array) });
    }
    expect((await t.ops.logs.stats()).count).toBeGreaterThan(0);
  });

  it('never stores secrets', async () => {
    const token = 'ghp_' + 'Q'.repeat(36);
    t.core.logger.info('github_call', `calling with ${token}`, { header: `Bearer ${token}`, url: 'postgres://u:topsecretpw@h/db' });
    t.core.logStore.flush();
    const rows = t.core.db.prepare("SELECT msg || data AS all_text FROM log_entries WHERE event = 'github_call'").all() as { all_text: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.all_text).not.toContain(token);
    expect(rows[0]!.all_text).not.toContain('topsecretpw');
  });

  it('exports as JSON lines and CSV', async () => {
    const jsonl = await t.ops.logs.export({ runId: 'run-a', format: 'jsonl' });
    expect(jsonl.lines).toBe(2);
    expect(jsonl.content.trim().split('\n').map((l) => JSON.parse(l).event)).toEqual(['pipeline_started', 'rate_limit_hit']);
    t.core.logger.child({ runId: 'run-c' }).info('quoted', 'has "quotes", commas\nand newlines');
    const csv = await t.ops.logs.export({ runId: 'run-c', format: 'csv' });
    expect(csv.content.split('\n')[0]).toBe('id,ts,level,event,run_id,component,msg');
    expect(csv.content).toContain('"has ""quotes"", commas\nand newlines"');
  });

  it('prunes lines past the retention window', async () => {
    const old = Date.now() - 10 * 86_400_000;
    t.core.db.prepare("INSERT INTO log_entries (ts, level, event, msg, data) VALUES (?, 30, 'ancient', 'ancient line', '{}')").run(old);
    expect(t.core.logStore.prune(7)).toBe(1);
    expect((await t.ops.logs.query({ text: 'ancient', limit: 5 })).entries).toHaveLength(0);
  });
});
