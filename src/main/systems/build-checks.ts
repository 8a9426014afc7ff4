// A system's health checks: its own Postgres, Redis, Milvus and HTTP services (the same timed
// checks as the console's own) plus the health checks of its kind's pack (ETL freshness, webhook
// backlog, queues …). Ids are unique within the system; the runner prefixes them with its id.
import type { System } from '../../shared/contract/systems.ts';
import { httpCheck, milvusCheck, postgresCheck, redisCheck, type Check, type CheckOutcome } from '../health/index.ts';
import { PACKS, type PackContext } from '../packs/index.ts';

export interface SystemConnections {
  postgres: string | null;
  redis: string | null;
  milvus: string | null;
  milvusToken: string | null;
  /** service name → secret headers */
  headers: Record<string, Record<string, string>>;
}

export const httpId = (name: string) => `http:${name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'service'}`;

export function systemChecks(system: System, conn: SystemConnections, packContext: (signal: AbortSignal) => PackContext): Check[] {
  const checks: Check[] = [];
  const t = system.timeoutMs;
  if (conn.postgres) checks.push(postgresCheck({ url: conn.postgres, id: 'postgres', name: 'Postgres', timeoutMs: t }));
  if (conn.redis) checks.push(redisCheck({ url: conn.redis, id: 'redis', name: 'Redis', timeoutMs: t, cache: system.redisIsCache, queueKeys: system.queues.map((q) => `${system.queuePrefix}:${q}:wait`) }));
  if (conn.milvus) checks.push(milvusCheck({ url: conn.milvus, token: conn.milvusToken ?? undefined, collections: system.milvusCollections, id: 'milvus', name: 'Milvus', timeoutMs: t }));
  for (const h of system.http) {
    checks.push(
      httpCheck(
        { name: h.name, url: h.url, endpoints: h.endpoints, required: h.required.length ? h.required : [h.endpoints[0]!], metricsPath: h.metricsPath, headers: { ...h.headers, ...(conn.headers[h.name] ?? {}) } },
        { id: httpId(h.name), timeoutMs: t, requestTimeoutMs: Math.min(5_000, t), rateWindowMs: 0 },
      ),
    );
  }
  const configured = { postgres: !!conn.postgres, redis: !!conn.redis && system.queues.length > 0, http: system.http.length > 0 };
  for (const pc of PACKS[system.kind].checks) {
    if (!pc.health || !configured[pc.needs]) continue;
    checks.push({
      id: `pack:${pc.id}`,
      kind: 'pack',
      name: pc.title,
      timeoutMs: t,
      async run(signal): Promise<CheckOutcome> {
        const started = performance.now();
        const o = await pc.run(packContext(signal));
        return {
          status: o.status,
          latencyMs: Math.round(performance.now() - started),
          summary: o.summary,
          details: { source: o.source, columns: o.columns, rows: o.rows.slice(0, 20) },
          findings: o.status === 'healthy' ? [] : [{ status: o.status, message: `${pc.title}: ${o.summary}` }],
        };
      },
    });
  }
  return checks;
}
