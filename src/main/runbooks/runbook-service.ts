import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { RunbookDef, RunbookRun, StepDef, StepRecord } from '../../shared/contract/runbooks.ts';
import type { SecretKey } from '../../shared/contract/secrets.ts';
import { OpsError } from '../../shared/errors.ts';
import { plural } from '../../shared/text.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import type { HealthService } from '../health-service/health-service.ts';
import type { Logger } from '../logging/logger.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import { runCatalogueQuery } from '../queries/index.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { Db } from '../store/database.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import { ACTIONS, type ActionContext } from './actions.ts';
import { RUNBOOKS } from './catalogue.ts';
import { incidentNote } from './incident-note.ts';

interface RunRow {
  id: string;
  runbook_id: string;
  title: string;
  operator: string;
  started_at: string;
  finished_at: string | null;
  status: RunbookRun['status'];
  note: string;
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Runbooks as executable checklists, every run and step recorded for the incident log. */
export class RunbookService {
  private readonly d: { db: Db; health: HealthService; warehouse: WarehouseService; profiles: ProfileService; secrets: SecretService; embeddings: EmbeddingService; logger: Logger; home: string };
  constructor(d: RunbookService['d']) {
    this.d = d;
  }

  list(): RunbookDef[] {
    return RUNBOOKS;
  }

  private def(id: string): RunbookDef {
    const r = RUNBOOKS.find((x) => x.id === id);
    if (!r) throw new OpsError('not_found', `No runbook "${id}"`);
    return r;
  }

  private step(run: RunbookRun, stepId: string): StepDef {
    const s = this.def(run.runbookId).steps.find((x) => x.id === stepId);
    if (!s) throw new OpsError('not_found', `Runbook ${run.runbookId} has no step "${stepId}"`);
    if (run.status !== 'open') throw new OpsError('conflict', 'This run is closed; start a new one');
    return s;
  }

  start(runbookId: string): RunbookRun {
    const def = this.def(runbookId);
    const id = randomUUID();
    this.d.db.prepare('INSERT INTO runbook_runs (id, runbook_id, title, operator, started_at, status) VALUES (?, ?, ?, ?, ?, ?)').run(id, def.id, def.title, operator(), new Date().toISOString(), 'open');
    this.d.logger.info('runbook_started', `Runbook "${def.title}" started`, { runbookId, runId: id });
    return this.get(id);
  }

  get(id: string): RunbookRun {
    const r = this.d.db.prepare('SELECT * FROM runbook_runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!r) throw new OpsError('not_found', 'No such runbook run');
    const def = RUNBOOKS.find((x) => x.id === r.runbook_id);
    const recorded = new Map(
      (this.d.db.prepare('SELECT * FROM runbook_steps WHERE run_id = ?').all(id) as { step_id: string; outcome: StepRecord['outcome']; summary: string; output: string | null; statements: string; note: string; at: string }[]).map((s) => [
        s.step_id,
        { stepId: s.step_id, outcome: s.outcome, summary: s.summary, output: s.output ? (JSON.parse(s.output) as unknown) : null, statements: JSON.parse(s.statements) as string[], note: s.note, at: s.at },
      ]),
    );
    const steps: StepRecord[] = (def?.steps ?? []).map((s) => recorded.get(s.id) ?? { stepId: s.id, outcome: 'pending', summary: '', output: null, statements: [], note: '', at: null });
    return { id: r.id, runbookId: r.runbook_id, title: r.title, operator: r.operator, startedAt: r.started_at, finishedAt: r.finished_at, status: r.status, note: r.note, steps };
  }

  runs(limit: number): RunbookRun[] {
    return (this.d.db.prepare('SELECT id FROM runbook_runs ORDER BY started_at DESC LIMIT ?').all(limit) as { id: string }[]).map((r) => this.get(r.id));
  }

  private record(runId: string, stepId: string, raw: Omit<StepRecord, 'stepId' | 'at'>): RunbookRun {
    // Step summaries and outputs (error messages, command output) are stored and exported: redacted first.
    const rec = { ...raw, summary: this.d.logger.redact(raw.summary), output: this.d.logger.redactValue(raw.output), note: this.d.logger.redact(raw.note) };
    this.d.db
      .prepare('INSERT INTO runbook_steps (run_id, step_id, outcome, summary, output, statements, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, step_id) DO UPDATE SET outcome = excluded.outcome, summary = excluded.summary, output = excluded.output, statements = excluded.statements, note = excluded.note, at = excluded.at')
      .run(runId, stepId, rec.outcome, rec.summary, JSON.stringify(rec.output ?? null), JSON.stringify(rec.statements), rec.note, new Date().toISOString());
    this.d.logger.info('runbook_step', `${stepId}: ${rec.outcome} — ${rec.summary}`, { runId, stepId, outcome: rec.outcome });
    return this.get(runId);
  }

  private async actionContext(): Promise<ActionContext> {
    const { pool, url, info } = await this.d.warehouse.connection();
    return { pool, url, schema: info.schema, migrationSets: this.d.warehouse.migrationSets, home: this.d.home, profiles: this.d.profiles, secrets: this.d.secrets, embeddings: this.d.embeddings };
  }

  /** An action outside a runbook run (scheduled maintenance jobs): the schedule is the confirmation. */
  async runAction(actionId: string, inputs: Record<string, string> = {}) {
    const action = ACTIONS[actionId];
    if (!action) throw new OpsError('not_found', `No action "${actionId}"`);
    return action.run(await this.actionContext(), inputs);
  }

  async preview(runId: string, stepId: string, inputs: Record<string, string>) {
    const s = this.step(this.get(runId), stepId);
    if (s.kind !== 'action') throw new OpsError('invalid_input', 'Only action steps have a preview');
    return ACTIONS[s.action]!.preview(await this.actionContext(), inputs);
  }

  /** Checks and queries run at once; actions only with confirm, after their preview. */
  async runStep(runId: string, stepId: string, inputs: Record<string, string>, confirm: boolean): Promise<RunbookRun> {
    const s = this.step(this.get(runId), stepId);
    try {
      if (s.kind === 'check') {
        const run = await this.d.health.run(s.checks);
        const configured = run.results.filter((r) => r.configured);
        const worst = configured.some((r) => r.status === 'down') ? 'fail' : configured.some((r) => r.status !== 'healthy') ? 'warn' : configured.length ? 'pass' : 'warn';
        return this.record(runId, stepId, { outcome: worst, summary: run.results.map((r) => `${r.name}: ${r.status} — ${r.summary}`).join(' · ') || 'nothing configured to check', output: run.results, statements: [], note: '' });
      }
      if (s.kind === 'query') {
        const { pool } = await this.d.warehouse.connection();
        const result = await runCatalogueQuery(pool, s.queryId, { ...s.params, ...inputs });
        const outcome = s.expectEmpty ? (result.rowCount === 0 ? 'pass' : 'warn') : 'done';
        return this.record(runId, stepId, { outcome, summary: `${plural(result.rowCount, 'row')} in ${Math.round(result.ms)} ms${s.expectEmpty && result.rowCount ? ' — look at them' : ''}`, output: result, statements: [], note: '' });
      }
      if (s.kind === 'action') {
        const ctx = await this.actionContext();
        const action = ACTIONS[s.action]!;
        const { statements } = await action.preview(ctx, inputs);
        if (!confirm) throw new OpsError('conflict', 'This step writes: confirm it after reading exactly what it will run');
        const r = await action.run(ctx, inputs);
        return this.record(runId, stepId, { outcome: r.outcome, summary: r.summary, output: r.output, statements, note: '' });
      }
      throw new OpsError('invalid_input', 'Manual and secret steps are recorded with markStep / setSecret');
    } catch (e) {
      if (e instanceof OpsError && (e.code === 'conflict' || e.code === 'invalid_input' || e.code === 'not_found')) throw e;
      return this.record(runId, stepId, { outcome: 'fail', summary: e instanceof Error ? e.message : String(e), output: null, statements: [], note: '' });
    }
  }

  markStep(runId: string, stepId: string, outcome: 'done' | 'skipped' | 'pass' | 'fail', note: string): RunbookRun {
    const s = this.step(this.get(runId), stepId);
    return this.record(runId, stepId, { outcome, summary: outcome === 'skipped' ? 'skipped by the operator' : s.kind === 'manual' ? 'confirmed by the operator' : outcome, output: null, statements: [], note });
  }

  /** Rotation through the keychain: the value is stored, never recorded. */
  async setSecret(runId: string, stepId: string, key: SecretKey, value: string): Promise<RunbookRun> {
    const s = this.step(this.get(runId), stepId);
    if (s.kind !== 'secret') throw new OpsError('invalid_input', 'Not a secret step');
    if (s.key && s.key !== key) throw new OpsError('invalid_input', `This step rotates ${s.key}`);
    const profile = this.d.profiles.ensureActive();
    const status = await this.d.secrets.set(profile.id, key, value);
    return this.record(runId, stepId, { outcome: 'done', summary: `${status.label} rotated in the OS keychain for profile "${profile.name}"`, output: { key, setAt: status.setAt }, statements: [], note: '' });
  }

  finish(runId: string, status: 'resolved' | 'abandoned', note: string): RunbookRun {
    this.get(runId);
    this.d.db.prepare('UPDATE runbook_runs SET status = ?, note = ?, finished_at = ? WHERE id = ?').run(status, note, new Date().toISOString(), runId);
    this.d.logger.info('runbook_finished', `Runbook run ${status}`, { runId, status });
    return this.get(runId);
  }

  incidentNote(runId: string) {
    const run = this.get(runId);
    return incidentNote(run, this.def(run.runbookId));
  }
}
