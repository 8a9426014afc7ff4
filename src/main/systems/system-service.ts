// The team's systems side by side: registry, connection secrets per system in the keychain,
// kind detection, health of every system at once (one parallel run, each check on its own
// deadline), scheduled runs, and the packs' checks and confirmed, audited actions.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { PackCheckResult, System, SystemFields, SystemHealth, SystemsHealthRun, SystemSecretKey } from '../../shared/contract/systems.ts';
import type { CheckResult as ContractResult } from '../../shared/contract/health.ts';
import { OpsError } from '../../shared/errors.ts';
import { worstStatus } from '../../shared/status.ts';
import { operator } from '../audit/audit-log.ts';
import { VERSION } from '../core/version.ts';
import { overallReport, runChecks } from '../health/index.ts';
import { httpRequest, joinUrl } from '../health/http-fetch.ts';
import type { Logger } from '../logging/logger.ts';
import type { Redactor } from '../logging/redact.ts';
import { detectKind, PACKS, SystemDb, type PackContext } from '../packs/index.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { Db } from '../store/database.ts';
import { systemChecks, type SystemConnections } from './build-checks.ts';
import { runCommand, shownCommand, waitForReady } from './lifecycle.ts';
import { SystemStore } from './system-store.ts';

type Params = Record<string, string | number | boolean>;
const account = (id: string, key: string) => `system:${id}:${key}`;

export class SystemService {
  readonly store: SystemStore;
  readonly events = new EventEmitter<{ results: [SystemsHealthRun] }>();
  private readonly d: { db: Db; secrets: SecretService; settings: SettingsService; logger: Logger; redactor: Redactor };
  private last: SystemsHealthRun | null = null;
  private running: Promise<SystemsHealthRun> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(d: SystemService['d']) {
    this.d = d;
    this.store = new SystemStore(d.db);
    this.events.setMaxListeners(0);
  }

  list = () => this.store.list();
  create = (f: SystemFields) => this.store.create(f);
  update = (id: string, patch: Partial<SystemFields>) => this.store.update(id, patch);

  async delete(id: string): Promise<void> {
    const s = this.store.get(id);
    for (const key of s.secrets) await this.d.secrets.deleteNamed(account(id, key)).catch(() => undefined);
    this.store.delete(id);
  }

  async setSecret(id: string, key: SystemSecretKey, value: string): Promise<System> {
    const s = this.store.get(id);
    if (key.startsWith('header:') && !s.http.some((h) => h.name === key.split(':')[1])) throw new OpsError('invalid_input', `key: this system has no HTTP service named "${key.split(':')[1]}"`, { field: 'key' });
    const v = value.trim();
    if (v && (key === 'postgres_url' || key === 'redis_url')) {
      const want = key === 'postgres_url' ? ['postgres:', 'postgresql:'] : ['redis:', 'rediss:'];
      let ok: boolean;
      try {
        ok = want.includes(new URL(v).protocol);
      } catch {
        ok = false;
      }
      if (!ok) throw new OpsError('invalid_input', `value: a ${key === 'postgres_url' ? 'postgres://' : 'redis://'} URL is expected`, { field: 'value' });
    }
    if (v) await this.d.secrets.setNamed(account(id, key), v);
    else await this.d.secrets.deleteNamed(account(id, key)).catch(() => undefined);
    return this.store.setSecretNames(id, v ? [...s.secrets, key] : s.secrets.filter((k) => k !== key));
  }

  private async secret(s: System, key: string): Promise<string | null> {
    // Env fallback (REPO_OPS_SECRET_SYSTEM_<ID>_<KEY>) for headless workers comes with getNamed.
    return this.d.secrets.getNamed(account(s.id, key));
  }

  async connections(s: System): Promise<SystemConnections> {
    const headers: SystemConnections['headers'] = {};
    for (const key of s.secrets.filter((k) => k.startsWith('header:'))) {
      const [, service, name] = key.split(':') as [string, string, string];
      const v = await this.secret(s, key);
      if (v) (headers[service] ??= {})[name] = v;
    }
    return { postgres: await this.secret(s, 'postgres_url'), redis: await this.secret(s, 'redis_url'), milvus: await this.secret(s, 'milvus_url'), milvusToken: await this.secret(s, 'milvus_token'), headers };
  }

  /** What packs reach the system through. The database door is read-only except for `write`. */
  packContext(s: System, conn: SystemConnections, signal: AbortSignal): PackContext {
    let db: SystemDb | null = null;
    return {
      system: s,
      signal,
      db: async () => {
        if (!conn.postgres) throw new OpsError('unavailable', `${s.name} has no Postgres URL: add one in Settings → Systems`);
        return (db ??= new SystemDb(conn.postgres, s.postgresSchema));
      },
      redisUrl: async () => {
        if (!conn.redis) throw new OpsError('unavailable', `${s.name} has no Redis URL: add one in Settings → Systems`);
        return conn.redis;
      },
      api: async () => {
        const h = s.http.find((x) => x.role === 'api') ?? s.http[0];
        if (!h) throw new OpsError('unavailable', `${s.name} has no HTTP service: add its API in Settings → Systems`);
        return { base: h.url, headers: { ...h.headers, ...(conn.headers[h.name] ?? {}) } };
      },
    };
  }

  // ---- health ----

  /** Every (or some) system's checks in one parallel run: all finish within the slowest timeout. */
  health(ids?: string[]): Promise<SystemsHealthRun> {
    if (this.running && !ids?.length) return this.running;
    const p = this.executeHealth(ids).finally(() => {
      if (this.running === p) this.running = null;
    });
    if (!ids?.length) this.running = p;
    return p;
  }

  private async executeHealth(ids?: string[]): Promise<SystemsHealthRun> {
    const systems = ids?.length ? ids.map((i) => this.store.find(i)) : this.store.list();
    const started = performance.now();
    const all = await Promise.all(systems.map(async (s) => ({ s, conn: await this.connections(s) })));
    const prefixed = all.flatMap(({ s, conn }) => systemChecks(s, conn, (signal) => this.packContext(s, conn, signal)).map((c) => ({ ...c, id: `${s.id}/${c.id}` })));
    const { results } = await runChecks(prefixed, { timeoutMs: this.d.settings.get().healthTimeoutMs, version: VERSION });
    const at = new Date().toISOString();
    const out: SystemHealth[] = all.map(({ s, conn }) => {
      const mine: ContractResult[] = results.filter((r) => r.id.startsWith(`${s.id}/`)).map((r) => ({ ...r, id: r.id.slice(s.id.length + 1), configured: true, system: s.id }));
      const missing = unconfigured(s, conn).map((u) => ({ ...u, status: 'unknown' as const, latencyMs: null, details: {}, findings: [], checkedAt: at, configured: false, system: s.id }));
      return { system: { id: s.id, name: s.name, kind: s.kind }, results: [...mine, ...missing], report: overallReport(mine, VERSION) };
    });
    const worst = worstStatus(out.map((x) => x.report.status));
    const run: SystemsHealthRun = { systems: out, status: worst === 'unknown' ? 'degraded' : worst, durationMs: performance.now() - started, at };
    this.record(run);
    this.last = ids?.length && this.last ? { ...this.last, systems: [...this.last.systems.filter((x) => !out.some((o) => o.system.id === x.system.id)), ...out] } : run;
    this.events.emit('results', run);
    return run;
  }

  latest(): SystemsHealthRun | null {
    if (this.last) return this.last;
    const systems = this.store.list();
    if (!systems.length) return null;
    const rows = this.d.db.prepare('SELECT system_id, detail, ts FROM system_health WHERE id IN (SELECT MAX(id) FROM system_health GROUP BY system_id, service)').all() as { system_id: string; detail: string; ts: number }[];
    if (!rows.length) return null;
    const out = systems.map((s) => {
      const results = rows.filter((r) => r.system_id === s.id).map((r) => JSON.parse(r.detail) as ContractResult);
      return { system: { id: s.id, name: s.name, kind: s.kind }, results, report: overallReport(results.filter((r) => r.configured), VERSION) };
    });
    const worst = worstStatus(out.map((x) => x.report.status));
    return { systems: out, status: worst === 'unknown' ? 'degraded' : worst, durationMs: 0, at: new Date(Math.max(...rows.map((r) => r.ts))).toISOString() };
  }

  private record(run: SystemsHealthRun): void {
    const db = this.d.db;
    const insert = db.prepare('INSERT INTO system_health (ts, system_id, service, status, latency_ms, detail) VALUES (?, ?, ?, ?, ?, ?)');
    const ts = Date.now();
    db.transaction(() => {
      for (const s of run.systems) for (const r of s.results) insert.run(ts, s.system.id, r.id, r.status, r.latencyMs, JSON.stringify(r));
      db.prepare('DELETE FROM system_health WHERE ts < ?').run(ts - 30 * 86_400_000);
    })();
  }

  /** Scheduled runs for every system, at the health interval of the settings. */
  startScheduler(): void {
    const arm = () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      const minutes = this.d.settings.get().healthIntervalMinutes;
      if (minutes > 0) {
        this.timer = setInterval(() => {
          if (this.store.list().length) void this.health().catch((e: Error) => this.d.logger.warn('systems_health_failed', e.message));
        }, minutes * 60_000);
        this.timer.unref();
      }
    };
    this.d.settings.events.on('changed', arm);
    arm();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  // ---- detection ----

  async detect(id: string) {
    const s = this.store.get(id);
    const conn = await this.connections(s);
    const ctx = this.packContext(s, conn, AbortSignal.timeout(15_000));
    let tables = new Set<string>();
    if (conn.postgres) tables = new Set((await (await ctx.db()).catalog(ctx.signal)).tables.keys());
    const endpoints: Partial<Record<System['kind'], string[]>> = {};
    for (const h of s.http) {
      const headers = { ...h.headers, ...(conn.headers[h.name] ?? {}) };
      const probe = async (path: string) => {
        try {
          const a = await httpRequest(joinUrl(h.url, path), { headers, signal: AbortSignal.timeout(3_000), maxBytes: 256 * 1024 });
          return a.status < 400 ? (JSON.parse(a.body) as Record<string, unknown>) : null;
        } catch {
          return null;
        }
      };
      const root = await probe('/');
      const services = root?.services as Record<string, unknown> | undefined;
      if (services && ['supabase', 'milvus', 'openai'].some((k) => k in services)) (endpoints['what-the-repo'] ??= []).push(`GET ${h.name} / → services {${Object.keys(services).join(', ')}}`);
      if (await probe('/api/v1/cache/stats')) (endpoints.pggit ??= []).push(`GET ${h.name} /api/v1/cache/stats answers`);
    }
    return detectKind(Object.values(PACKS), tables, endpoints);
  }

  // ---- packs ----

  describe(id: string) {
    const s = this.store.get(id);
    const p = PACKS[s.kind];
    const commands = s.commands.map((c) => ({ id: `command:${c.id}`, title: c.title, description: `Runs ${shownCommand(c.argv)}${c.waitForReadySeconds ? `, then waits up to ${c.waitForReadySeconds} s for the system to be healthy` : ''}`, params: {}, destructive: true }));
    return { kind: s.kind, checks: p.checks.map((c) => ({ id: c.id, title: c.title })), actions: [...p.actions.map((a) => ({ id: a.id, title: a.title, description: a.description, params: a.params, destructive: a.destructive })), ...commands] };
  }

  async check(id: string, only?: string): Promise<PackCheckResult[]> {
    const s = this.store.get(id);
    const pack = PACKS[s.kind];
    const list = only ? pack.checks.filter((c) => c.id === only) : pack.checks;
    if (only && !list.length) throw new OpsError('invalid_input', `check: "${only}" is not a check of the ${s.kind} pack (${pack.checks.map((c) => c.id).join(', ')})`, { field: 'check' });
    const conn = await this.connections(s);
    const signal = AbortSignal.timeout(Math.max(s.timeoutMs, 15_000));
    return Promise.all(
      list.map(async (c) => {
        try {
          return { id: c.id, title: c.title, ...(await c.run(this.packContext(s, conn, signal))) };
        } catch (e) {
          const msg = e instanceof OpsError ? e.message : `${c.title} failed: ${(e as Error).message}`;
          return { id: c.id, title: c.title, status: e instanceof OpsError && e.code === 'not_found' ? ('unknown' as const) : ('down' as const), summary: msg, columns: [], rows: [], source: '' };
        }
      }),
    );
  }

  private async plan(id: string, actionId: string, params: Params) {
    const s = this.store.get(id);
    if (actionId.startsWith('command:')) return this.commandPlan(s, actionId);
    const action = PACKS[s.kind].actions.find((a) => a.id === actionId);
    if (!action) throw new OpsError('invalid_input', `action: "${actionId}" is not an action of the ${s.kind} pack (${PACKS[s.kind].actions.map((a) => a.id).join(', ') || 'none'})`, { field: 'action' });
    const conn = await this.connections(s);
    const plan = await action.plan(this.packContext(s, conn, AbortSignal.timeout(30_000)), params);
    // Bound to the exact operations: a confirmation of another preview does not run this one.
    const confirmText = `${action.id} ${createHash('sha256').update(plan.operations.join('\n')).digest('hex').slice(0, 6)}`;
    return { s, action, plan, confirmText };
  }

  /** An operator-defined command as an action: the same preview, confirmation and audit. */
  private commandPlan(s: System, actionId: string) {
    const cmd = s.commands.find((c) => `command:${c.id}` === actionId);
    if (!cmd) throw new OpsError('invalid_input', `action: ${s.name} has no command "${actionId.slice(8)}" (${s.commands.map((c) => c.id).join(', ') || 'none configured'})`, { field: 'action' });
    const operations = [`$ ${shownCommand(cmd.argv)}`, ...(cmd.waitForReadySeconds ? [`wait up to ${cmd.waitForReadySeconds} s for ${s.name}'s health checks to be healthy`] : [])];
    const plan = {
      operations,
      impact: `Runs the command configured for ${s.name} on this machine (no shell), its output captured`,
      execute: async () => {
        const run = await runCommand(cmd);
        // Whatever the command prints passes the redactor: secrets the console knows never leave in it.
        const r = { ...run, output: this.d.redactor.string(run.output) };
        const tail = r.output.trim().split('\n').slice(-20).join('\n');
        if (r.code !== 0) throw new OpsError('unavailable', `${cmd.title} exited with ${r.code}${tail ? `:\n${tail}` : ''}`);
        const ran = `exited 0 in ${(r.ms / 1000).toFixed(1)} s`;
        if (!cmd.waitForReadySeconds) return { summary: ran, affected: null, output: r.output };
        const waited = await waitForReady(async () => (await this.health([s.id])).systems[0]?.report.status === 'healthy', cmd.waitForReadySeconds);
        if (waited === null) throw new OpsError('timeout', `${cmd.title} ${ran}, but ${s.name} was not healthy within ${cmd.waitForReadySeconds} s`);
        return { summary: `${ran}; ${s.name} healthy after ${waited} s`, affected: null, output: r.output };
      },
    };
    const action = { id: actionId, title: cmd.title };
    const confirmText = `${cmd.id} ${createHash('sha256').update(operations.join('\n')).digest('hex').slice(0, 6)}`;
    return { s, action, plan, confirmText };
  }

  async preview(id: string, actionId: string, params: Params) {
    const { action, plan, confirmText } = await this.plan(id, actionId, params);
    return { action: action.id, title: action.title, operations: plan.operations, impact: plan.impact, confirmText };
  }

  async run(id: string, actionId: string, params: Params, confirm: string) {
    const { s, action, plan, confirmText } = await this.plan(id, actionId, params);
    if (confirm.trim() !== confirmText) throw new OpsError('invalid_input', `confirm: type "${confirmText}" to run exactly: ${plan.operations.join('; ')}`, { field: 'confirm', confirmText });
    const who = operator();
    const audit = (outcome: string, summary: string) =>
      Number(this.d.db.prepare('INSERT INTO system_actions (at, system_id, action, operator, operations, outcome, summary) VALUES (?, ?, ?, ?, ?, ?, ?)').run(new Date().toISOString(), s.id, action.id, who, JSON.stringify(plan.operations), outcome, summary).lastInsertRowid);
    try {
      const r = await plan.execute();
      const auditId = audit('succeeded', r.summary);
      this.d.logger.info('system_action', `${s.name}: ${action.title}: ${r.summary}`, { system: s.id, action: action.id, operations: plan.operations });
      return { action: action.id, summary: r.summary, operations: plan.operations, affected: r.affected, auditId, output: 'output' in r ? (r.output as string) : undefined };
    } catch (e) {
      audit('failed', (e as Error).message);
      this.d.logger.error('system_action_failed', `${s.name}: ${action.title}: ${(e as Error).message}`, { system: s.id, action: action.id });
      throw e;
    }
  }

  audit(id: string | undefined, limit: number) {
    const rows = this.d.db.prepare(`SELECT * FROM system_actions${id ? ' WHERE system_id = ?' : ''} ORDER BY id DESC LIMIT ?`).all(...(id ? [id, limit] : [limit])) as { id: number; at: string; system_id: string; action: string; operator: string; operations: string; outcome: string; summary: string }[];
    return rows.map((r) => ({ id: r.id, at: r.at, systemId: r.system_id, action: r.action, operator: r.operator, operations: JSON.parse(r.operations) as string[], outcome: r.outcome, summary: r.summary }));
  }
}

function unconfigured(s: System, c: SystemConnections) {
  const out: { id: string; kind: string; name: string; summary: string }[] = [];
  const pack = PACKS[s.kind];
  const needs = new Set(pack.checks.filter((x) => x.health).map((x) => x.needs));
  if (!c.postgres && (needs.has('postgres') || s.kind === 'generic')) out.push({ id: 'postgres', kind: 'postgres', name: 'Postgres', summary: `No Postgres URL for ${s.name}` });
  if (!c.redis && (needs.has('redis') || s.queues.length)) out.push({ id: 'redis', kind: 'redis', name: 'Redis', summary: `No Redis URL for ${s.name}` });
  if (!s.http.length) out.push({ id: 'http', kind: 'http', name: 'HTTP', summary: `No HTTP service for ${s.name}` });
  return out;
}
