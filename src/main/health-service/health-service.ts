import { uptime } from './uptime.ts';
import { EventEmitter } from 'node:events';
import type { CheckResult as ContractResult, HealthRun } from '../../shared/contract/health.ts';
import type { Status } from '../../shared/status.ts';
import { VERSION } from '../core/version.ts';
import { overallReport, resolveThresholds, runChecks, type ThresholdOverrides } from '../health/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { Db } from '../store/database.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import type { Connection } from '../../shared/contract/health.ts';
import { createPool } from '../warehouse/pool.ts';
import { buildChecks, type WarehouseTarget } from './build-checks.ts';

export interface HealthChange {
  service: string;
  name: string;
  from: Status | null;
  to: Status;
  summary: string;
  at: string;
}

/** One-click and scheduled health checks, with history and change notifications. */
export class HealthService {
  readonly events = new EventEmitter<{ changed: [HealthChange]; results: [HealthRun] }>();
  private readonly deps: { db: Db; profiles: ProfileService; secrets: SecretService; settings: SettingsService; warehouse: WarehouseService; logger: Logger };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<HealthRun> | null = null;
  private last: HealthRun | null = null;
  private lastProfile: string | null = null;

  constructor(deps: HealthService['deps']) {
    this.deps = deps;
    this.events.setMaxListeners(0);
  }

  thresholds() {
    return resolveThresholds(this.deps.settings.get().healthThresholds as ThresholdOverrides) as unknown as Record<string, Record<string, number>>;
  }

  /** Runs all (or some) checks in parallel; a concurrent caller shares the run in progress. */
  run(only?: string[]): Promise<HealthRun> {
    if (this.running && !only?.length) return this.running;
    const p = this.execute(only).finally(() => {
      if (this.running === p) this.running = null;
    });
    if (!only?.length) this.running = p;
    return p;
  }

  private async execute(only?: string[]): Promise<HealthRun> {
    const settings = this.deps.settings.get();
    const profile = this.deps.profiles.ensureActive();
    const { checks, unconfigured } = await buildChecks({ profile, secrets: this.deps.secrets, warehouse: this.deps.warehouse, thresholds: settings.healthThresholds as ThresholdOverrides, only });
    const { results, durationMs } = await runChecks(checks, { timeoutMs: settings.healthTimeoutMs, version: VERSION });
    const now = new Date().toISOString();
    const all: ContractResult[] = [
      ...results.map((r) => ({ ...r, configured: true })),
      ...unconfigured.map((u) => ({ ...u, status: 'unknown' as const, latencyMs: null, details: {}, findings: [], checkedAt: now, configured: false })),
    ];
    // Unconfigured services are shown but do not make the report degraded.
    const report = overallReport(results, VERSION);
    const run: HealthRun = { results: all, report, durationMs };
    this.record(profile.id, run);
    this.last = only?.length && this.last && this.lastProfile === profile.id ? { ...this.last, results: mergeResults(this.last.results, all) } : run;
    this.lastProfile = profile.id;
    this.events.emit('results', run);
    return run;
  }

  /**
   * Save & test: one connection's check for one profile — the active one or not, with that profile's
   * own secrets and settings. The verdict is recorded for that profile only; only the active
   * profile's verdicts reach the Health page's live view and the alerts.
   */
  async test(profileId: string, connection: Connection): Promise<ContractResult> {
    const profile = this.deps.profiles.get(profileId);
    const active = this.deps.profiles.active()?.id === profile.id;
    const settings = this.deps.settings.get();
    let temp: pg.Pool | null = null;
    const warehouseTarget: WarehouseTarget | undefined = active
      ? undefined
      : async () => {
          const { value: url, unreadable } = await this.deps.secrets.lookup(profile.id, 'postgres_url');
          if (unreadable) throw new OpsError('unavailable', `The Postgres URL of "${profile.name}" could not be read from the secret store: ${unreadable}`);
          if (!url) throw new OpsError('unavailable', `No Postgres URL: "${profile.name}" uses the embedded warehouse, which runs while that profile is active (make it active to test it, or add a URL in Settings → Secrets)`);
          temp = createPool(url, { max: 1, connectTimeoutMs: settings.healthTimeoutMs, applicationName: 'repo-ops-test' });
          temp.on('error', () => {}); // reported by the check
          return { url, pool: temp, name: 'Postgres' };
        };
    try {
      const { checks, unconfigured } = await buildChecks({ profile, secrets: this.deps.secrets, warehouse: this.deps.warehouse, thresholds: settings.healthThresholds as ThresholdOverrides, only: [connection], warehouseTarget });
      const { results, durationMs } = await runChecks(checks, { timeoutMs: settings.healthTimeoutMs, version: VERSION });
      const now = new Date().toISOString();
      const all: ContractResult[] = [
        ...results.map((r) => ({ ...r, configured: true })),
        ...unconfigured.map((u) => ({ ...u, status: 'unknown' as const, latencyMs: null, details: {}, findings: [], checkedAt: now, configured: false })),
      ];
      const result = all.find((r) => r.id === connection);
      if (!result) throw new OpsError('internal', `No check ran for ${connection}`);
      const run: HealthRun = { results: [result], report: overallReport(results, VERSION), durationMs };
      this.record(profile.id, run, active);
      if (active) {
        this.last = this.last && this.lastProfile === profile.id ? { ...this.last, results: mergeResults(this.last.results, [result]) } : this.last;
        this.events.emit('results', run);
      }
      return result;
    } finally {
      if (temp) await (temp as pg.Pool).end().catch(() => {});
    }
  }

  /** The latest verdict of each connection for one profile (from its own checks only). */
  verdicts(profileId: string): ContractResult[] {
    const profile = this.deps.profiles.get(profileId);
    const rows = this.deps.db.prepare('SELECT detail FROM health_checks WHERE id IN (SELECT MAX(id) FROM health_checks WHERE profile_id = ? GROUP BY service) ORDER BY service').all(profile.id) as { detail: string }[];
    return rows.map((r) => JSON.parse(r.detail) as ContractResult);
  }

  /** The active profile's last results: never another profile's (a restart or a switch must not show them as this one's). */
  latest(): HealthRun | null {
    const profile = this.deps.profiles.active();
    if (!profile) return null;
    if (this.last && this.lastProfile === profile.id) return this.last;
    const rows = this.deps.db.prepare('SELECT detail FROM health_checks h WHERE id IN (SELECT MAX(id) FROM health_checks WHERE profile_id = ? GROUP BY service) ORDER BY service').all(profile.id) as { detail: string }[];
    if (!rows.length) return null;
    const results = rows.map((r) => JSON.parse(r.detail) as ContractResult);
    return { results, report: overallReport(results.filter((r) => r.configured).map(({ configured: _c, ...r }) => r), VERSION), durationMs: 0 };
  }

  uptime(hours: number, bars: number) {
    return uptime(this.deps.db, hours, bars);
  }

  history(service: string | undefined, hours: number, limit: number) {
    const since = Date.now() - hours * 3_600_000;
    const rows = this.deps.db
      .prepare(`SELECT service, ts, status, latency_ms FROM health_checks WHERE ts >= ?${service ? ' AND service = ?' : ''} ORDER BY ts DESC LIMIT ?`)
      .all(...(service ? [since, service, limit] : [since, limit])) as { service: string; ts: number; status: Status; latency_ms: number | null }[];
    return rows.reverse().map((r) => ({ service: r.service, ts: new Date(r.ts).toISOString(), status: r.status, latencyMs: r.latency_ms }));
  }

  /** Scheduled checks at the interval from the settings (re-read when they change). */
  startScheduler(): void {
    const arm = () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      const minutes = this.deps.settings.get().healthIntervalMinutes;
      if (minutes > 0) {
        this.timer = setInterval(() => void this.run().catch((e: Error) => this.deps.logger.warn('health_run_failed', e.message)), minutes * 60_000);
        this.timer.unref();
      }
    };
    this.deps.settings.events.on('changed', arm);
    arm();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Stores results as the profile's history; `notify`: tell listeners of status changes (the active profile only). */
  private record(profileId: string, run: HealthRun, notify = true): void {
    const db = this.deps.db;
    const previous = new Map((db.prepare('SELECT service, status FROM health_checks WHERE id IN (SELECT MAX(id) FROM health_checks WHERE profile_id = ? GROUP BY service)').all(profileId) as { service: string; status: Status }[]).map((r) => [r.service, r.status]));
    const insert = db.prepare('INSERT INTO health_checks (ts, profile_id, service, status, latency_ms, detail) VALUES (?, ?, ?, ?, ?, ?)');
    const ts = Date.now();
    db.transaction(() => {
      for (const r of run.results) insert.run(ts, profileId, r.id, r.status, r.latencyMs, JSON.stringify(r));
      // Keep 30 days of history.
      db.prepare('DELETE FROM health_checks WHERE ts < ?').run(ts - 30 * 86_400_000);
    })();
    if (!notify) return;
    for (const r of run.results) {
      const from = previous.get(r.id) ?? null;
      if (from === r.status || !r.configured) continue;
      const change: HealthChange = { service: r.id, name: r.name, from, to: r.status, summary: r.summary, at: new Date(ts).toISOString() };
      if (from !== null || r.status !== 'healthy') {
        const log = this.deps.logger;
        (r.status === 'down' ? log.error : r.status === 'healthy' ? log.info : log.warn).call(log, 'health_changed', `${r.name}: ${from ?? 'new'} → ${r.status}: ${r.summary}`, { service: r.id, from, to: r.status });
      }
      this.events.emit('changed', change);
    }
  }
}

function mergeResults(old: ContractResult[], fresh: ContractResult[]): ContractResult[] {
  const byId = new Map(old.map((r) => [r.id, r]));
  for (const r of fresh) byId.set(r.id, r);
  return [...byId.values()];
}
