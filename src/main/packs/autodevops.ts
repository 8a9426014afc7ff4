// The AutoDevOps runbook: its BullMQ queues (worker backlog incident: waiting, delayed, failed,
// stalled; retry, clean, pause, resume) and AI quotas from ai_usage (billing-spike incident:
// top users in 24 h against 100k tokens per user and 500k per repository per day).
import { OpsError } from '../../shared/errors.ts';
import type { Status } from '../../shared/status.ts';
import { quoteIdent } from '../warehouse/identifiers.ts';
import { queueCounts, withQueues } from './bull.ts';
import { intParam, outcome, pct, textParam } from './outcome.ts';
import type { Pack, PackContext } from './types.ts';

const CLEAN_STATES = ['completed', 'failed', 'wait', 'delayed'] as const;

function queueParam(ctx: PackContext, params: Record<string, unknown>): string {
  const q = textParam(params, 'queue');
  if (!ctx.system.queues.includes(q)) throw new OpsError('invalid_input', `queue: "${q}" is not one of this system's queues (${ctx.system.queues.join(', ') || 'none configured'})`, { field: 'queue' });
  return q;
}

async function quotaCheck(ctx: PackContext, by: 'user' | 'repository') {
  const db = await ctx.db();
  const col = by === 'user' ? await db.requireColumn('ai_usage', ['user_id', 'username', 'user']) : await db.requireColumn('ai_usage', ['repository_id', 'repo_id', 'repository', 'repo_name']);
  const tokens = await db.requireColumn('ai_usage', ['tokens_used', 'total_tokens', 'tokens']);
  const at = await db.requireColumn('ai_usage', ['created_at', 'timestamp', 'used_at']);
  const quota = by === 'user' ? ctx.system.quotas.userDailyTokens : ctx.system.quotas.repoDailyTokens;
  const sql = `SELECT ${quoteIdent(col)} AS ${by}, sum(${quoteIdent(tokens)})::bigint AS total_tokens FROM ${db.t('ai_usage')} WHERE ${quoteIdent(at)} > now() - interval '24 hours' GROUP BY 1 ORDER BY total_tokens DESC LIMIT 10`;
  const rows = (await db.query<Record<string, unknown> & { total_tokens: number }>(sql, [], ctx.signal)).map((r) => ({ ...r, quota, utilisation: pct(Number(r.total_tokens) / quota) }));
  const over = rows.filter((r) => Number(r.total_tokens) > quota).length;
  const near = rows.filter((r) => Number(r.total_tokens) > quota * 0.8).length - over;
  const status: Status = over ? 'down' : near ? 'degraded' : 'healthy';
  return outcome(status, `${over} ${by === 'user' ? 'users' : 'repositories'} over ${quota.toLocaleString('en-US')} tokens/day, ${near} above 80 %`, sql, rows);
}

export const autodevopsPack: Pack = {
  kind: 'autodevops',
  signature: ['ai_usage'],
  checks: [
    {
      id: 'queues',
      title: 'BullMQ queues: waiting, active, delayed, failed, completed, stalled',
      health: true,
      needs: 'redis',
      async run(ctx) {
        const s = ctx.system;
        const rows = await withQueues(await ctx.redisUrl(), s.queuePrefix, s.queues, async (queues, lock) => Promise.all(queues.map((q) => queueCounts(q, lock))));
        const flat = rows.map((r) => ({ queue: r.queue, paused: r.paused, waiting: r.counts.waiting ?? 0, active: r.counts.active ?? 0, delayed: r.counts.delayed ?? 0, failed: r.counts.failed ?? 0, completed: r.counts.completed ?? 0, stalled: r.stalled }));
        const stalled = flat.reduce((a, r) => a + r.stalled, 0);
        const failed = flat.reduce((a, r) => a + r.failed, 0);
        const waiting = flat.reduce((a, r) => a + r.waiting, 0);
        const paused = flat.filter((r) => r.paused).length;
        const status: Status = stalled || failed || paused ? 'degraded' : 'healthy';
        return outcome(status, `${waiting} waiting, ${failed} failed, ${stalled} stalled${paused ? `, ${paused} paused` : ''} in ${flat.length} queues`, `bullmq Queue.getJobCounts(${s.queues.join(', ')})`, flat);
      },
    },
    {
      id: 'failed-jobs',
      title: 'Failed jobs and their reasons',
      needs: 'redis',
      async run(ctx) {
        const s = ctx.system;
        const rows = await withQueues(await ctx.redisUrl(), s.queuePrefix, s.queues, async (queues) => {
          const out: Record<string, unknown>[] = [];
          for (const q of queues) for (const j of await q.getFailed(0, 49)) out.push({ queue: q.name, id: j.id ?? null, name: j.name, attempts: j.attemptsMade, failed_at: j.finishedOn ? new Date(j.finishedOn).toISOString() : null, reason: j.failedReason ?? '' });
          return out;
        });
        return outcome(rows.length ? 'degraded' : 'healthy', `${rows.length} failed jobs (latest 50 per queue)`, 'bullmq Queue.getFailed(0, 49)', rows);
      },
    },
    { id: 'ai-usage-users', title: 'AI usage: top users in 24 h vs the per-user quota', health: true, needs: 'postgres', run: (ctx) => quotaCheck(ctx, 'user') },
    { id: 'ai-usage-repositories', title: 'AI usage: top repositories in 24 h vs the per-repository quota', needs: 'postgres', run: (ctx) => quotaCheck(ctx, 'repository') },
  ],
  actions: [
    {
      id: 'retry-failed',
      title: 'Retry the failed jobs of a queue',
      description: 'bullmq Queue.retryJobs({ state: "failed" })',
      params: { queue: 'queue name' },
      destructive: false,
      async plan(ctx, params) {
        const name = queueParam(ctx, params);
        const url = await ctx.redisUrl();
        const s = ctx.system;
        const failed = await withQueues(url, s.queuePrefix, [name], ([q]) => q!.getFailedCount());
        return {
          operations: [`bullmq Queue("${name}", prefix "${s.queuePrefix}").retryJobs({ state: "failed" })`],
          impact: `${failed} failed jobs go back to waiting`,
          execute: async () => withQueues(url, s.queuePrefix, [name], async ([q]) => (await q!.retryJobs({ state: 'failed' }), { summary: `Retried ${failed} failed jobs of ${name}`, affected: failed })),
        };
      },
    },
    {
      id: 'clean',
      title: 'Clean jobs of a queue',
      description: 'bullmq Queue.clean(grace, limit, state): removes jobs older than the grace period.',
      params: { queue: 'queue name', state: CLEAN_STATES.join(' | '), graceSeconds: 'keep jobs younger than this (default 3600)', limit: 'at most this many (default 1000)' },
      destructive: true,
      async plan(ctx, params) {
        const name = queueParam(ctx, params);
        const state = textParam(params, 'state');
        if (!(CLEAN_STATES as readonly string[]).includes(state)) throw new OpsError('invalid_input', `state: must be one of ${CLEAN_STATES.join(', ')}`, { field: 'state' });
        const grace = intParam(params, 'graceSeconds', 3600, 0, 365 * 86400);
        const limit = intParam(params, 'limit', 1000, 1, 100_000);
        const url = await ctx.redisUrl();
        const s = ctx.system;
        const count = await withQueues(url, s.queuePrefix, [name], async ([q]) => (await q!.getJobCounts(state === 'wait' ? 'waiting' : (state as 'completed' | 'failed' | 'delayed')))[state === 'wait' ? 'waiting' : state] ?? 0);
        return {
          operations: [`bullmq Queue("${name}", prefix "${s.queuePrefix}").clean(${grace * 1000}, ${limit}, "${state}")`],
          impact: `Up to ${Math.min(count, limit)} of ${count} ${state} jobs older than ${grace} s are removed`,
          execute: async () => withQueues(url, s.queuePrefix, [name], async ([q]) => {
            const removed = await q!.clean(grace * 1000, limit, state as (typeof CLEAN_STATES)[number]);
            return { summary: `Removed ${removed.length} ${state} jobs from ${name}`, affected: removed.length };
          }),
        };
      },
    },
    ...(['pause', 'resume'] as const).map((op) => ({
      id: op,
      title: op === 'pause' ? 'Pause a queue' : 'Resume a queue',
      description: `bullmq Queue.${op}()`,
      params: { queue: 'queue name' },
      destructive: op === 'pause',
      async plan(ctx: PackContext, params: Record<string, string | number | boolean>) {
        const name = queueParam(ctx, params);
        const url = await ctx.redisUrl();
        const s = ctx.system;
        return {
          operations: [`bullmq Queue("${name}", prefix "${s.queuePrefix}").${op}()`],
          impact: op === 'pause' ? 'Workers stop taking new jobs from this queue' : 'Workers take jobs from this queue again',
          execute: async () => withQueues(url, s.queuePrefix, [name], async ([q]) => (await q![op](), { summary: `Queue ${name} ${op === 'pause' ? 'paused' : 'resumed'}`, affected: null })),
        };
      },
    })),
  ],
};
