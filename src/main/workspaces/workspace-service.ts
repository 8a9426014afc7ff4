import type pg from 'pg';
import type { Workspace } from '../../shared/contract/workspaces.ts';
import { OpsError } from '../../shared/errors.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { aggregateWorkspaces, type WorkspaceTotals } from './aggregate.ts';

const slugify = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace';

/** Workspaces group repositories; their totals are what the backfill guide's SQL reads. */
export class WorkspaceService {
  private readonly warehouse: WarehouseService;
  /** Tracked repositories are looked up through the sync feature. */
  private readonly sync: Pick<SyncService, 'repository'>;
  constructor(warehouse: WarehouseService, sync: Pick<SyncService, 'repository'>) {
    this.warehouse = warehouse;
    this.sync = sync;
  }

  private async pool(): Promise<pg.Pool> {
    return (await this.warehouse.connection()).pool;
  }

  async list(): Promise<Workspace[]> {
    const { rows } = await (await this.pool()).query(`
      SELECT w.*, COALESCE(array_agg(r.full_name ORDER BY r.full_name) FILTER (WHERE r.id IS NOT NULL), '{}') AS repositories
      FROM workspaces w LEFT JOIN workspace_repositories wr ON wr.workspace_id = w.id LEFT JOIN repositories r ON r.id = wr.repository_id
      GROUP BY w.id ORDER BY lower(w.name)`);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      slug: r.slug,
      repositories: r.repositories,
      totalRepositories: r.total_repositories,
      totalContributors: r.total_contributors,
      totalPullRequests: r.total_pull_requests,
      totalIssues: r.total_issues,
      lastAggregatedAt: r.last_aggregated_at?.toISOString() ?? null,
    }));
  }

  async get(id: string): Promise<Workspace> {
    const w = (await this.list()).find((x) => x.id === id);
    if (!w) throw new OpsError('not_found', 'No such workspace');
    return w;
  }

  /** By id, name or slug. */
  async find(ref: string): Promise<Workspace> {
    const all = await this.list();
    const w = all.find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase() || x.slug === ref.toLowerCase());
    if (!w) throw new OpsError('not_found', `No workspace "${ref}". Workspaces: ${all.map((x) => x.name).join(', ') || 'none yet'}`);
    return w;
  }

  async create(name: string): Promise<Workspace> {
    const pool = await this.pool();
    const slug = slugify(name);
    const { rows } = await pool.query('INSERT INTO workspaces (name, slug) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING id', [name, slug]);
    if (!rows[0]) throw new OpsError('conflict', `A workspace named "${name}" already exists`);
    return this.get(rows[0].id);
  }

  async delete(id: string): Promise<void> {
    const { rowCount } = await (await this.pool()).query('DELETE FROM workspaces WHERE id = $1', [id]);
    if (!rowCount) throw new OpsError('not_found', 'No such workspace');
  }

  async addRepository(workspaceId: string, repository: string): Promise<Workspace> {
    const pool = await this.pool();
    await this.get(workspaceId);
    const repo = await this.sync.repository(repository);
    if (!repo) throw new OpsError('not_found', `${repository} is not tracked yet: track it on the Repositories page first`);
    await pool.query('INSERT INTO workspace_repositories (workspace_id, repository_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [workspaceId, repo.id]);
    return this.get(workspaceId);
  }

  /**
   * Adds a tracked repository, by its warehouse id, to a workspace, without reading anything back:
   * the backfill's aggregate step, which reads the totals next.
   */
  async link(workspaceId: string, repositoryId: string): Promise<void> {
    await (await this.pool()).query('INSERT INTO workspace_repositories (workspace_id, repository_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [workspaceId, repositoryId]);
  }

  /** Recomputes the totals of every workspace holding the repository (by its warehouse id; null: of every workspace) and returns them. */
  async totalsFor(repositoryId: string | null): Promise<WorkspaceTotals[]> {
    return aggregateWorkspaces(await this.pool(), repositoryId);
  }

  async removeRepository(workspaceId: string, repository: string): Promise<Workspace> {
    const pool = await this.pool();
    const repo = await this.sync.repository(repository);
    if (repo) await pool.query('DELETE FROM workspace_repositories WHERE workspace_id = $1 AND repository_id = $2', [workspaceId, repo.id]);
    return this.get(workspaceId);
  }

  async aggregate(repository?: string): Promise<Workspace[]> {
    const repo = repository ? await this.sync.repository(repository) : null;
    if (repository && !repo) throw new OpsError('not_found', `${repository} is not tracked`);
    const updated = await this.totalsFor(repo?.id ?? null);
    const all = await this.list();
    return all.filter((w) => updated.some((u) => u.id === w.id));
  }
}
