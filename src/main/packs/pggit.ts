// pgGit's operations guide: the webhook delivery backlog (alert_delivery_queue by status and
// age), failed deliveries in 24 h, webhook health (consecutive failures), the cache stats and
// warm-up API, the alerts summary; actions: retry pending, warm the cache, disable a webhook.
import { OpsError } from '../../shared/errors.ts';
import type { Status } from '../../shared/status.ts';
import { quoteIdent } from '../warehouse/identifiers.ts';
import { apiJson } from './http-api.ts';
import { outcome, pct, textParam } from './outcome.ts';
import { shown, type SystemDb } from './system-db.ts';
import type { Pack } from './types.ts';

/** The runbook's QueueDepthHigh alert. */
export const BACKLOG_DEGRADED = 1000;
/** Consecutive failed deliveries after which a webhook counts as unavailable. */
export const UNAVAILABLE_AFTER = 5;

async function queueCols(db: SystemDb) {
  await db.table('alert_delivery_queue');
  return {
    status: await db.requireColumn('alert_delivery_queue', ['delivery_status', 'status']),
    at: await db.requireColumn('alert_delivery_queue', ['created_at', 'queued_at']),
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

export const pggitPack: Pack = {
  kind: 'pggit',
  signature: ['webhooks', 'alert_delivery_queue', 'alerts'],
  checks: [
    {
      id: 'delivery-backlog',
      title: 'Webhook delivery backlog by status and age',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const c = await queueCols(db);
        const sql = `SELECT ${quoteIdent(c.status)} AS status, count(*)::int AS deliveries, min(${quoteIdent(c.at)}) AS oldest, round(extract(epoch FROM now() - min(${quoteIdent(c.at)})) / 60)::int AS oldest_age_minutes FROM ${db.t('alert_delivery_queue')} GROUP BY 1 ORDER BY 2 DESC`;
        const rows = await db.query<{ status: string; deliveries: number; oldest_age_minutes: number }>(sql, [], ctx.signal);
        const pending = rows.find((r) => r.status === 'pending');
        const n = pending?.deliveries ?? 0;
        const status: Status = n > BACKLOG_DEGRADED ? 'degraded' : 'healthy';
        return outcome(status, `${n} pending${pending ? `, oldest ${pending.oldest_age_minutes} min` : ''}${n > BACKLOG_DEGRADED ? ` (> ${BACKLOG_DEGRADED})` : ''}`, sql, rows);
      },
    },
    {
      id: 'pending-by-webhook',
      title: 'Pending deliveries per webhook (top 10)',
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const c = await queueCols(db);
        const sql = `SELECT webhook_id, count(*)::int AS pending_count FROM ${db.t('alert_delivery_queue')} WHERE ${quoteIdent(c.status)} = 'pending' GROUP BY webhook_id ORDER BY pending_count DESC LIMIT 10`;
        const rows = await db.query(sql, [], ctx.signal);
        return outcome('healthy', `${rows.length} webhooks with pending deliveries`, sql, rows);
      },
    },
    {
      id: 'failed-24h',
      title: 'Failed deliveries in 24 h per webhook',
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const c = await queueCols(db);
        const sql = `SELECT webhook_id, count(*)::int AS failure_count FROM ${db.t('alert_delivery_queue')} WHERE ${quoteIdent(c.status)} = 'failed' AND ${quoteIdent(c.at)} > now() - interval '24 hours' GROUP BY webhook_id ORDER BY failure_count DESC LIMIT 20`;
        const rows = await db.query<{ failure_count: number }>(sql, [], ctx.signal);
        const total = rows.reduce((a, r) => a + r.failure_count, 0);
        return outcome(total ? 'degraded' : 'healthy', `${total} failed deliveries in 24 h`, sql, rows);
      },
    },
    {
      id: 'webhook-health',
      title: 'Webhook health (consecutive failures)',
      health: true,
      needs: 'postgres',
      async run(ctx) {
        const db = await ctx.db();
        const c = await queueCols(db);
        const active = await db.column('webhooks', ['is_active', 'active', 'enabled']);
        const url = await db.column('webhooks', ['url', 'endpoint', 'target_url']);
        const q = db.t('alert_delivery_queue');
        // Failures since the webhook's last successful delivery.
        const sql = `SELECT w.id${url ? `, w.${quoteIdent(url)} AS url` : ''}${active ? `, w.${quoteIdent(active)} AS active` : ''},
          (SELECT count(*)::int FROM ${q} d WHERE d.webhook_id = w.id AND d.${quoteIdent(c.status)} = 'failed'
             AND d.${quoteIdent(c.at)} > coalesce((SELECT max(s.${quoteIdent(c.at)}) FROM ${q} s WHERE s.webhook_id = w.id AND s.${quoteIdent(c.status)} IN ('delivered', 'sent', 'success')), '-infinity')) AS consecutive_failures
          FROM ${db.t('webhooks')} w ORDER BY consecutive_failures DESC, w.id LIMIT 500`;
        const rows = await db.query<{ consecutive_failures: number; active?: boolean }>(sql, [], ctx.signal);
        const judged = rows.map((r) => ({ ...r, health: r.active === false ? 'disabled' : r.consecutive_failures >= UNAVAILABLE_AFTER ? 'unavailable' : r.consecutive_failures > 0 ? 'degraded' : 'healthy' }));
        const bad = judged.filter((r) => r.health === 'unavailable').length;
        const weak = judged.filter((r) => r.health === 'degraded').length;
        return outcome(bad || weak ? 'degraded' : 'healthy', `${judged.length} webhooks: ${bad} unavailable, ${weak} degraded`, sql, judged);
      },
    },
    {
      id: 'cache-stats',
      title: 'Cache hit rate (target > 80 %)',
      health: true,
      needs: 'http',
      async run(ctx) {
        const r = await apiJson(ctx, 'GET', '/api/v1/cache/stats');
        const body = (r.json ?? {}) as Record<string, unknown>;
        const stats = (body.cache_stats ?? {}) as Record<string, unknown>;
        let hit = num(body.hit_rate ?? stats.hit_rate);
        if (hit !== null && hit > 1) hit /= 100;
        const rows = Object.entries({ ...stats, hit_rate: hit }).map(([k, v]) => ({ stat: k, value: typeof v === 'object' ? JSON.stringify(v) : (v as string | number | null) }));
        if (hit === null) return outcome('unknown', 'The cache stats carry no hit_rate', `GET ${r.url}`, rows);
        // Runbook: target > 80 %, alert below 70 %.
        const status: Status = hit < 0.7 ? 'down' : hit < 0.8 ? 'degraded' : 'healthy';
        return outcome(status, `Hit rate ${pct(hit)}`, `GET ${r.url}`, rows);
      },
    },
    {
      id: 'alerts-summary',
      title: 'Alerts (/api/v1/alerts)',
      needs: 'http',
      async run(ctx) {
        const r = await apiJson(ctx, 'GET', '/api/v1/alerts');
        const body = (r.json ?? {}) as { total?: unknown; items?: unknown };
        const items = Array.isArray(body.items) ? (body.items as Record<string, unknown>[]) : [];
        const bySeverity = new Map<string, number>();
        for (const i of items) bySeverity.set(String(i.severity ?? 'unknown'), (bySeverity.get(String(i.severity ?? 'unknown')) ?? 0) + 1);
        const critical = bySeverity.get('CRITICAL') ?? 0;
        const rows = [...bySeverity].map(([severity, alerts]) => ({ severity, alerts }));
        return outcome(critical ? 'degraded' : 'healthy', `${num(body.total) ?? items.length} alerts, ${critical} critical`, `GET ${r.url}`, rows);
      },
    },
  ],
  actions: [
    {
      id: 'retry-pending',
      title: 'Retry pending deliveries',
      description: 'POST /api/v1/webhooks/retry-pending (the runbook\'s backlog step 5).',
      params: {},
      destructive: false,
      async plan(ctx) {
        const { base } = await ctx.api();
        return { operations: [`POST ${base.replace(/\/+$/, '')}/api/v1/webhooks/retry-pending`], impact: 'pgGit re-queues its pending deliveries', execute: async () => ({ summary: summarize((await apiJson(ctx, 'POST', '/api/v1/webhooks/retry-pending', 30_000)).json), affected: null }) };
      },
    },
    {
      id: 'warm-cache',
      title: 'Warm the cache',
      description: 'POST /api/v1/cache/warm (start-up step 6, the cache-warming runbook).',
      params: {},
      destructive: false,
      async plan(ctx) {
        const { base } = await ctx.api();
        return { operations: [`POST ${base.replace(/\/+$/, '')}/api/v1/cache/warm`], impact: 'pgGit loads its hot data into the cache', execute: async () => ({ summary: summarize((await apiJson(ctx, 'POST', '/api/v1/cache/warm', 60_000)).json), affected: null }) };
      },
    },
    {
      id: 'disable-webhook',
      title: 'Disable a webhook',
      description: 'UPDATE webhooks SET is_active = false for one webhook (backlog step 4).',
      params: { webhookId: 'the id of the webhook to disable' },
      destructive: true,
      async plan(ctx, params) {
        const id = textParam(params, 'webhookId');
        const db = await ctx.db();
        const active = await db.requireColumn('webhooks', ['is_active', 'active', 'enabled']);
        const rows = await db.query<{ id: unknown }>(`SELECT id FROM ${db.t('webhooks')} WHERE id::text = $1`, [id], ctx.signal);
        if (!rows.length) throw new OpsError('not_found', `webhookId: no webhook with id ${id}`, { field: 'webhookId' });
        const sql = `UPDATE ${db.t('webhooks')} SET ${quoteIdent(active)} = false WHERE id::text = $1`;
        return { operations: [shown(sql, [id])], impact: `Webhook ${id} stops receiving deliveries`, execute: async () => ({ summary: `Webhook ${id} disabled`, affected: await db.write([{ sql, params: [id] }]) }) };
      },
    },
  ],
};

function summarize(json: unknown): string {
  const s = JSON.stringify(json ?? {});
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
