import type { BackfillRequest, Preflight, PreflightCheck } from '../../shared/contract/backfill.ts';
import { githubCheck, milvusCheck, openaiCheck, runChecks, type Check, type CheckResult } from '../health/index.ts';
import { parseRepoName } from '../github/repo-name.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';

const SETTINGS = { label: 'Open Settings', route: '/settings' };
const runbook = (id: string) => ({ label: 'Open the runbook', route: `/runbooks/${id}` });

export interface PreflightDeps {
  profiles: ProfileService;
  secrets: SecretService;
  warehouse: WarehouseService;
  sync: SyncService;
  embeddings: EmbeddingService;
}

const fromCheck = (id: string, label: string, r: CheckResult | undefined, fix: PreflightCheck['fix']): PreflightCheck =>
  !r ? { id, label, state: 'fail', message: 'not checked', fix } : { id, label, state: r.status === 'healthy' ? 'pass' : r.status === 'degraded' ? 'warn' : 'fail', message: r.summary, fix: r.status === 'healthy' ? null : fix };

/**
 * Every prerequisite of a backfill, checked live (in parallel, with timeouts): the
 * GitHub token and its rate limit, the repository, a writable and migrated warehouse,
 * Milvus and the collection's dimension, the OpenAI key. Each failure says what to fix.
 */
export async function preflight(d: PreflightDeps, req: BackfillRequest, budget: { graphqlPoints: number } | null): Promise<Preflight> {
  const checks: PreflightCheck[] = [];
  const profile = d.profiles.ensureActive();
  const wantSync = !req.embeddingsOnly;
  const wantEmbed = !req.skipEmbeddings;
  let name: ReturnType<typeof parseRepoName> | null = null;
  try {
    name = parseRepoName(req.repository);
  } catch (e) {
    checks.push({ id: 'repository', label: 'Repository name', state: 'fail', message: (e as Error).message, fix: null });
  }

  const live: Check[] = [];
  // A secret store that did not answer is said so: "add a token" would send the operator to the wrong fix.
  const unreadable: Partial<Record<string, string>> = {};
  const read = async (key: Parameters<typeof d.secrets.lookup>[1]) => {
    const r = await d.secrets.lookup(profile.id, key);
    if (r.unreadable) unreadable[key] = r.unreadable;
    return r.value;
  };
  const missing = (key: string, none: string) => (unreadable[key] ? `Could not be read from the secret store: ${unreadable[key]}` : none);
  const token = await read('github_token');
  if (token) live.push(githubCheck({ token, apiUrl: profile.githubApiUrl, requiredScopes: [] }));
  const key = await read('openai_key');
  if (wantEmbed && key) live.push(openaiCheck({ apiKey: key, baseUrl: profile.openaiBaseUrl, model: profile.embeddingModel }));
  const milvusUrl = await read('milvus_url');
  if (wantEmbed && milvusUrl) live.push(milvusCheck({ url: milvusUrl, token: (await d.secrets.get(profile.id, 'milvus_token')) ?? undefined }));
  const [{ results }, warehouse] = await Promise.all([
    runChecks(live, { timeoutMs: 8000 }),
    d.warehouse.connection().then(
      async (c) => {
        const ro = (await c.pool.query("SELECT current_setting('transaction_read_only') AS ro, pg_is_in_recovery() AS rec")).rows[0];
        return { ok: true as const, info: c.info, readOnly: ro.ro === 'on' || ro.rec === true };
      },
      (e: Error) => ({ ok: false as const, message: e.message }),
    ),
  ]);
  const byId = new Map(results.map((r) => [r.id, r]));

  if (!token) checks.push({ id: 'github', label: 'GitHub token', state: wantSync ? 'fail' : 'warn', message: missing('github_token', 'No GitHub token: add one in Settings → Profiles (or set GITHUB_TOKEN)'), fix: SETTINGS });
  else {
    const gh = fromCheck('github', 'GitHub token valid, rate limit left', byId.get('github'), runbook('github-rate-limit'));
    const remaining = (byId.get('github')?.details.rateLimits as { graphql?: { remaining?: number; resetAt?: string } } | undefined)?.graphql;
    if (gh.state !== 'fail' && budget && remaining?.remaining !== undefined && remaining.remaining < budget.graphqlPoints) {
      gh.state = 'fail';
      gh.message = `The estimate needs about ${budget.graphqlPoints} GraphQL points but only ${remaining.remaining} are left until ${remaining.resetAt}: wait for the reset or narrow the time range`;
    }
    checks.push(gh);
    if (name && gh.state !== 'fail') {
      try {
        // Read-only: a preflight never tracks the repository (starting the backfill does).
        const repo = await d.sync.lookup(name.fullName);
        const renamed = repo.fullName.toLowerCase() !== name.fullName.toLowerCase();
        checks.push({ id: 'repository', label: 'Repository exists on GitHub', state: 'pass', message: renamed ? `${name.fullName} was renamed to ${repo.fullName}; the backfill follows it` : `${repo.fullName} exists on GitHub`, fix: null });
      } catch (e) {
        checks.push({ id: 'repository', label: 'Repository exists on GitHub', state: 'fail', message: (e as Error).message, fix: null });
      }
    }
  }

  if (!warehouse.ok) checks.push({ id: 'warehouse', label: 'Warehouse reachable', state: 'fail', message: warehouse.message, fix: runbook('database-connection') });
  else {
    checks.push({
      id: 'warehouse',
      label: 'Warehouse reachable, writable, migrations current',
      state: warehouse.readOnly || !warehouse.info.upToDate ? 'fail' : 'pass',
      message: warehouse.readOnly ? `${warehouse.info.target} is read-only: point the profile at a writable primary` : `${warehouse.info.mode === 'embedded' ? 'embedded ' : ''}PostgreSQL ${warehouse.info.serverVersion} at ${warehouse.info.target}, schema ${warehouse.info.schema} ${warehouse.info.upToDate ? 'up to date' : 'has pending migrations'}`,
      fix: warehouse.readOnly ? SETTINGS : null,
    });
  }

  if (wantEmbed) {
    const c = d.embeddings.config();
    if (!key) checks.push({ id: 'openai', label: 'OpenAI key', state: 'fail', message: missing('openai_key', 'No OpenAI key: add one in Settings → Profiles (or set OPENAI_API_KEY)'), fix: SETTINGS });
    else checks.push(fromCheck('openai', 'OpenAI key valid', byId.get('openai'), runbook('openai-errors')));
    if (!milvusUrl) checks.push({ id: 'milvus', label: 'Milvus', state: 'fail', message: missing('milvus_url', 'No Milvus URL: add one in Settings → Profiles (or set MILVUS_URL)'), fix: SETTINGS });
    else {
      const m = fromCheck('milvus', 'Milvus reachable', byId.get('milvus'), runbook('milvus-connection'));
      checks.push(m);
      if (m.state !== 'fail') {
        try {
          const stats = await (await d.embeddings.vectorStore()).stats(c.collection);
          const ok = !stats.exists || stats.dimension === c.dimensions;
          checks.push({
            id: 'collection',
            label: 'Collection dimension matches the model',
            state: ok ? 'pass' : 'fail',
            message: !stats.exists ? `${c.collection} will be created (${c.dimensions} dimensions, COSINE)` : ok ? `${c.collection}: ${stats.dimension} dimensions = ${c.model}` : `${c.collection} stores ${stats.dimension}-dimensional vectors but ${c.model} produces ${c.dimensions}: recreate the collection or change the model's dimensions`,
            fix: ok ? null : { label: 'Open Search → Milvus', route: '/search' },
          });
        } catch (e) {
          checks.push({ id: 'collection', label: 'Collection dimension matches the model', state: 'fail', message: (e as Error).message, fix: runbook('milvus-connection') });
        }
      }
    }
  }
  return { checks, ok: checks.every((c) => c.state !== 'fail') };
}
