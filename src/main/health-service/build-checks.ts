import type pg from 'pg';
import type { Profile } from '../../shared/contract/profiles.ts';
import { githubCheck, httpChecks, milvusCheck, openaiCheck, postgresCheck, redisCheck, resolveThresholds, type Check, type ThresholdOverrides } from '../health/index.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';

/** A service the profile does not configure: shown, but not judged. */
export interface Unconfigured {
  id: string;
  kind: string;
  name: string;
  summary: string;
}

/**
 * The active profile's checks: the warehouse (configured or embedded), GitHub,
 * OpenAI, Milvus, Redis and the team's HTTP services — each only when configured.
 */
/** The warehouse to check: by default the active profile's (the WarehouseService's connection). */
export type WarehouseTarget = () => Promise<{ url: string; pool: pg.Pool; name: string }>;

export async function buildChecks(opts: { profile: Profile; secrets: SecretService; warehouse: WarehouseService; thresholds: ThresholdOverrides; only?: string[]; warehouseTarget?: WarehouseTarget }): Promise<{ checks: Check[]; unconfigured: Unconfigured[] }> {
  const { profile, secrets } = opts;
  const t = resolveThresholds(opts.thresholds);
  const checks: Check[] = [];
  const unconfigured: Unconfigured[] = [];
  // `http:*` selects every HTTP service.
  const want = (id: string) => !opts.only?.length || opts.only.some((o) => o === id || (o.endsWith('*') && id.startsWith(o.slice(0, -1))));

  if (want('postgres')) {
    try {
      const target = opts.warehouseTarget
        ? await opts.warehouseTarget()
        : await opts.warehouse.connection().then(({ url, pool, info }) => ({ url, pool, name: info.mode === 'embedded' ? 'Postgres (embedded)' : 'Postgres' }));
      checks.push(postgresCheck({ url: target.url, pool: target.pool, id: 'postgres', name: target.name, thresholds: t.postgres }));
    } catch (e) {
      // The warehouse could not even connect: report that as the Postgres check.
      checks.push({ id: 'postgres', kind: 'postgres', name: 'Postgres', run: async () => ({ status: 'down', latencyMs: null, summary: (e as Error).message, details: {}, findings: [] }) });
    }
  }
  // A secret store that did not answer is not "not configured": the service is shown unknown, with why.
  const read = async (key: Parameters<SecretService['lookup']>[1], kind: Check['kind'], name: string) => {
    const { value, unreadable } = await secrets.lookup(profile.id, key);
    if (unreadable && want(kind)) checks.push({ id: kind, kind, name, run: async () => ({ status: 'unknown', latencyMs: null, summary: `Not checked: its credentials could not be read from the secret store (${unreadable})`, details: {}, findings: [] }) });
    return { value, unreadable: unreadable !== null };
  };
  const github = await read('github_token', 'github', 'GitHub');
  if (want('github') && !github.unreadable) {
    if (github.value) checks.push(githubCheck({ token: github.value, apiUrl: profile.githubApiUrl, thresholds: t.github }));
    else unconfigured.push({ id: 'github', kind: 'github', name: 'GitHub', summary: 'No GitHub token: add one in Settings → Profiles (or GITHUB_TOKEN)' });
  }
  const openai = await read('openai_key', 'openai', 'OpenAI');
  if (want('openai') && !openai.unreadable) {
    if (openai.value) checks.push(openaiCheck({ apiKey: openai.value, baseUrl: profile.openaiBaseUrl, model: profile.embeddingModel, thresholds: t.openai }));
    else unconfigured.push({ id: 'openai', kind: 'openai', name: 'OpenAI', summary: 'No OpenAI key: add one in Settings → Profiles (or OPENAI_API_KEY)' });
  }
  const milvus = await read('milvus_url', 'milvus', 'Milvus');
  if (want('milvus') && !milvus.unreadable) {
    if (milvus.value) checks.push(milvusCheck({ url: milvus.value, token: (await secrets.get(profile.id, 'milvus_token')) ?? undefined, collections: [profile.milvusCollection], thresholds: t.milvus }));
    else unconfigured.push({ id: 'milvus', kind: 'milvus', name: 'Milvus', summary: 'No Milvus URL: add one in Settings → Profiles (or MILVUS_URL)' });
  }
  const redis = await read('redis_url', 'redis', 'Redis');
  if (want('redis') && !redis.unreadable) {
    if (redis.value) checks.push(redisCheck({ url: redis.value, queueKeys: profile.redisQueueKeys, thresholds: t.redis }));
    else unconfigured.push({ id: 'redis', kind: 'redis', name: 'Redis', summary: 'No Redis URL (optional: queues and caches)' });
  }
  for (const c of httpChecks(profile.httpServices, { thresholds: t.http })) if (want(c.id)) checks.push(c);
  return { checks, unconfigured };
}
