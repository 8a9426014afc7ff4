import { CONNECTION_LABELS, SETUP_CONNECTIONS, SETUP_SECRETS, verdictStale } from '../../shared/connections.ts';
import type { SetupChecklist, SetupStep } from '../../shared/contract/setup.ts';
import type { HealthService } from '../health-service/health-service.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';

/** How long the checklist waits for the warehouse before it says it could not look. */
const WAREHOUSE_WAIT_MS = 5000;

/**
 * The first-run checklist, computed from the real state each time it is asked: the active profile,
 * its stored secrets, its own connection verdicts (newer than its secrets), and a verified backfill
 * whose repository is in this profile's warehouse. Nothing is ticked by hand.
 */
export class SetupService {
  private readonly d: { profiles: ProfileService; secrets: SecretService; health: HealthService; jobs: JobService; warehouse: WarehouseService; sync: SyncService };

  constructor(d: SetupService['d']) {
    this.d = d;
  }

  async checklist(): Promise<SetupChecklist> {
    const profile = this.d.profiles.active();
    const steps: SetupStep[] = [];
    const untouched = profile !== null && profile.createdAt === profile.updatedAt && profile.description === 'Created automatically';
    steps.push({
      id: 'profile',
      title: 'Create a connection profile',
      done: profile !== null && !untouched,
      detail: !profile ? 'No profile yet: create one (name, GitHub API URL, OpenAI base URL, Milvus collection)' : untouched ? `"${profile.name}" was created automatically: check its GitHub API URL, OpenAI base URL and Milvus collection, then save it` : `Active profile "${profile.name}"`,
      link: '/settings?focus=profiles',
      items: [],
    });
    if (!profile) {
      steps.push(pending('secrets'), pending('connections'), pending('backfill'));
      return { complete: false, profileName: null, steps };
    }

    const overview = await this.d.secrets.overview(profile.id);
    const k = overview.keychain;
    const secretItems = SETUP_SECRETS.map((key) => {
      const s = overview.items.find((i) => i.key === key)!;
      return { label: s.label, done: s.set, detail: s.set ? (s.source === 'env' ? `from ${s.envVars.join(' / ')}` : `in the ${s.source === 'file' ? 'secrets file' : 'keychain'}`) : 'not set' };
    });
    const storeBlocked = k.store === 'encrypted-file' && k.locked;
    const missing = secretItems.filter((i) => !i.done).map((i) => i.label);
    steps.push({
      id: 'secrets',
      title: 'Store the secrets',
      done: !missing.length,
      detail: storeBlocked && missing.length ? `${k.uninitialized ? 'Create' : 'Unlock'} the encrypted secrets file first (no OS keychain here), then add: ${missing.join(', ')}` : missing.length ? `Missing: ${missing.join(', ')} (the warehouse is embedded unless you add a Postgres URL)` : 'GitHub, OpenAI and Milvus credentials are stored',
      link: '/settings?focus=secrets',
      items: secretItems,
    });

    const verdicts = this.d.health.verdicts(profile.id);
    const connItems = SETUP_CONNECTIONS.map((c) => {
      const v = verdicts.find((r) => r.id === c);
      const label = CONNECTION_LABELS[c];
      if (!v) return { label, done: false, detail: 'not tested yet' };
      if (!v.configured) return { label, done: false, detail: v.summary };
      if (verdictStale(c, v.checkedAt, overview.items)) return { label, done: false, detail: 'its secret changed since the last test: test again' };
      const ok = v.status === 'healthy' || v.status === 'degraded';
      return { label, done: ok, detail: `${v.status}: ${v.summary}` };
    });
    const untested = connItems.filter((i) => !i.done).map((i) => i.label);
    steps.push({
      id: 'connections',
      title: 'Test each connection',
      done: !untested.length,
      detail: untested.length ? `Not passing yet: ${untested.join(', ')} (Settings → Secrets → Save & test)` : 'Warehouse, GitHub, OpenAI and Milvus answered',
      link: '/settings?focus=connections',
      items: connItems,
    });

    steps.push(await this.backfillStep());
    return { complete: steps.every((s) => s.done), profileName: profile.name, steps };
  }

  /** A backfill that finished verified, of a repository this profile's warehouse holds. */
  private async backfillStep(): Promise<SetupStep> {
    const step = { id: 'backfill' as const, title: 'Run a first backfill', link: '/backfill', items: [] };
    const verified = this.d.jobs.list({ kind: 'backfill', status: 'succeeded', limit: 20 });
    const incomplete = this.d.jobs.list({ kind: 'backfill', status: 'incomplete', limit: 1 })[0];
    if (!verified.length) return { ...step, done: false, detail: incomplete ? `The last backfill finished incomplete (${incomplete.title}): see its verification in Jobs` : 'No verified backfill yet: start one in the Backfill wizard' };
    try {
      await Promise.race([
        this.d.warehouse.pool(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the warehouse did not answer in time')), WAREHOUSE_WAIT_MS).unref()),
      ]);
      for (const run of verified) {
        const repository = (run.result as { repository?: string } | null)?.repository ?? (run.params as { repository?: string }).repository;
        if (repository && (await this.d.sync.repository(repository))) return { ...step, done: true, detail: `${repository} backfilled and verified (${run.finishedAt?.slice(0, 16).replace('T', ' ')} UTC)` };
      }
      return { ...step, done: false, detail: 'Verified backfills ran, but none into this profile’s warehouse: run one with this profile' };
    } catch (e) {
      return { ...step, done: false, detail: `Could not look in the warehouse: ${(e as Error).message}` };
    }
  }
}

function pending(id: 'secrets' | 'connections' | 'backfill'): SetupStep {
  const t = { secrets: ['Store the secrets', '/settings?focus=secrets'], connections: ['Test each connection', '/settings?focus=connections'], backfill: ['Run a first backfill', '/backfill'] }[id];
  return { id, title: t[0]!, done: false, detail: 'After a profile exists', link: t[1]!, items: [] };
}
