import { join } from 'node:path';
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import { startEmbeddedPostgres, type EmbeddedCluster } from './embedded.ts';
import { migrateWarehouse } from './migrate.ts';
import type { WarehouseMigrationSet } from './migrations.ts';
import { describePgError, describeTarget } from './pg-errors.ts';
import { createPool } from './pool.ts';

export interface WarehouseInfo {
  mode: 'embedded' | 'external';
  target: string;
  serverVersion: string;
  /** The console's own schema (search_path's first entry on every connection). */
  schema: string;
  /** Version of the core warehouse tables. */
  schemaVersion: number;
  /** Latest applied migration per feature. */
  migrations: Record<string, number>;
  /** Every feature's migrations are applied. */
  upToDate: boolean;
  pgvector: boolean;
  dataDir: string | null;
}

interface Connected {
  key: string;
  url: string;
  pool: pg.Pool;
  info: WarehouseInfo;
  /** Opened on first use: see coordinationPool(). */
  coordination?: pg.Pool;
}

/**
 * The Postgres warehouse of the active profile: its Postgres URL from the keychain,
 * or — when none is configured — an embedded PostgreSQL in the data directory.
 * Connects lazily, migrates on connect, reconnects when the profile or URL changes.
 */
export class WarehouseService {
  private current: Connected | null = null;
  private connecting: Promise<Connected> | null = null;
  private embedded: EmbeddedCluster | null = null;
  private readonly home: string;
  private readonly profiles: ProfileService;
  private readonly secrets: SecretService;
  private readonly log: Logger;
  /** Every feature's warehouse migrations, in the composition root's order. */
  readonly migrationSets: WarehouseMigrationSet[];

  constructor(opts: { home: string; profiles: ProfileService; secrets: SecretService; logger: Logger; migrations: WarehouseMigrationSet[] }) {
    this.migrationSets = opts.migrations;
    this.home = opts.home;
    this.profiles = opts.profiles;
    this.secrets = opts.secrets;
    this.log = opts.logger;
  }

  async pool(): Promise<pg.Pool> {
    return (await this.connect()).pool;
  }

  /**
   * A small pool whose commits do not wait for the disk (synchronous_commit off), for the many tiny
   * writes that coordinate workers — progress reports, heartbeats, shared rate-budget takes and
   * slots. With every such write waiting for a WAL flush, a fleet's workers queue behind the
   * warehouse's disk (and behind each other on the budget's rows, whose locks are held until the
   * flush). A server crash can lose their last fraction of a second, which they tolerate: progress
   * is reported again, a heartbeat comes again, a slot expires (a run's last report is made durable
   * by the queue's completion of its job, which commits after it). Data, checkpoints and the job
   * queue itself stay on the durable pool.
   */
  async coordinationPool(): Promise<pg.Pool> {
    const c = await this.connect();
    c.coordination ??= createPool(c.url, { schema: c.info.schema, max: 4, applicationName: 'repo-ops-coordination', synchronousCommit: false });
    return c.coordination;
  }

  /** The pool plus the URL it uses (for error messages; never shown to clients). */
  async connection(): Promise<{ pool: pg.Pool; url: string; info: WarehouseInfo }> {
    const c = await this.connect();
    return { pool: c.pool, url: c.url, info: c.info };
  }

  /** The connection in use, without connecting (background work waits until someone connected). */
  connected(): { url: string; info: WarehouseInfo } | null {
    return this.current ? { url: this.current.url, info: this.current.info } : null;
  }

  /** A driver error of this warehouse as an operator reads it: where it failed (no credentials) and what to do. */
  describeError(e: unknown): OpsError {
    return describePgError(e, this.current?.url ?? '');
  }

  async info(): Promise<WarehouseInfo> {
    return (await this.connect()).info;
  }

  private async connect(): Promise<Connected> {
    const profile = this.profiles.ensureActive();
    const { value: configured, unreadable } = await this.secrets.lookup(profile.id, 'postgres_url');
    const profileKey = `${profile.id}|${profile.warehouseSchema}|`;
    if (unreadable) {
      // A secret store that does not answer is not "no URL configured": falling back to the embedded
      // warehouse would show, and write, another database. The connection in use stays; without one, this fails.
      if (this.current?.key.startsWith(profileKey)) return this.current;
      throw new OpsError('unavailable', `The warehouse's Postgres URL could not be read from the secret store (${unreadable}); the embedded warehouse is not used in its place. Try again, unlock the store, or set DATABASE_URL.`);
    }
    const key = `${profileKey}${configured ?? 'embedded'}`;
    if (this.current?.key === key) return this.current;
    if (this.connecting) return this.connecting;
    this.connecting = this.open(key, configured, profile.warehouseSchema).finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(key: string, configured: string | null, schema: string): Promise<Connected> {
    await this.closePool();
    let url = configured;
    let mode: WarehouseInfo['mode'] = 'external';
    let dataDir: string | null = null;
    if (!url) {
      mode = 'embedded';
      dataDir = join(this.home, 'postgres');
      this.embedded ??= await startEmbeddedPostgres(dataDir);
      dataDir = this.embedded.dir;
      url = this.embedded.url;
      this.log.info('warehouse_embedded', `No Postgres URL configured: using the embedded PostgreSQL in ${dataDir}`, { adopted: this.embedded.adopted });
    }
    const pool = createPool(url, { schema });
    try {
      const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
      const migrated = await migrateWarehouse(pool, schema, this.migrationSets);
      const vector = (await pool.query("SELECT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'vector') AS v")).rows[0].v as boolean;
      if (migrated.applied.length) this.log.info('warehouse_migrated', `Warehouse schema ${schema} migrated: ${migrated.applied.join(', ')}`, { applied: migrated.applied });
      const info: WarehouseInfo = { mode, target: describeTarget(url), serverVersion: version, schema, schemaVersion: migrated.versions.warehouse ?? 0, migrations: migrated.versions, upToDate: migrated.upToDate, pgvector: vector, dataDir };
      this.current = { key, url, pool, info };
      this.log.info('warehouse_connected', `Connected to the warehouse at ${info.target} (PostgreSQL ${version}, ${mode}, schema ${schema})`);
      return this.current;
    } catch (e) {
      await pool.end().catch(() => {});
      const err = e instanceof OpsError ? e : describePgError(e, url);
      this.log.error('warehouse_unavailable', err.message);
      throw err;
    }
  }

  private async closePool(): Promise<void> {
    const c = this.current;
    this.current = null;
    if (c) await Promise.all([c.pool.end().catch(() => {}), c.coordination?.end().catch(() => {})]);
  }

  async close(): Promise<void> {
    await this.closePool();
    if (this.embedded?.owned) await this.embedded.stop().catch(() => {});
    this.embedded = null;
  }
}
