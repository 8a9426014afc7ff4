import { hostname } from 'node:os';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/compose.ts';
import type { JobDefinition } from '../../src/main/jobs/types.ts';
import { OpsError } from '../../src/shared/errors.ts';
import { startTestCore, type TestCore } from '../helpers/core.ts';
import { waitFor } from '../helpers/temp.ts';

const Count = z.object({ steps: z.number().int().min(1).max(10), perStep: z.number().int().min(1), failInStep: z.number().int().optional(), waitForCancel: z.boolean().default(false), key: z.string().default('k') });
const executed: string[] = [];
let failOnce = true;

const countJob: JobDefinition<typeof Count> = {
  kind: 'test-count',
  title: 'Count',
  params: Count,
  describe: (p) => `Count ${p.steps}×${p.perStep}`,
  steps: (p) => Array.from({ length: p.steps }, (_, i) => `step-${i}`),
  concurrencyKey: (p) => p.key,
  async run(ctx) {
    let total = 0;
    for (let s = 0; s < ctx.params.steps; s++) {
      total += await ctx.step(`step-${s}`, async (cp) => {
        executed.push(`${ctx.runId.slice(0, 4)}:step-${s}`);
        let done = (cp.value as number | undefined) ?? 0;
        for (; done < ctx.params.perStep; done++) {
          ctx.throwIfCancelled();
          if (ctx.params.failInStep === s && done === 2 && failOnce) {
            failOnce = false;
            throw new OpsError('unavailable', 'Postgres went away');
          }
          cp.save(done + 1);
          ctx.progress({ done: s * ctx.params.perStep + done + 1, total: ctx.params.steps * ctx.params.perStep, unit: 'rows', extra: { step: s } });
          if (ctx.params.waitForCancel) await new Promise((r) => setTimeout(r, 20));
        }
        return ctx.params.perStep;
      });
    }
    return total === 7 ? { status: 'incomplete', result: { total } } : { result: { total } };
  },
};

const leakyJob: JobDefinition<z.ZodObject<Record<string, never>>> = {
  kind: 'test-leaky',
  title: 'Leaky',
  params: z.object({}),
  describe: () => 'Leaky',
  async run() {
    throw new Error('could not connect to postgres://app:pa/ss@w@rd@db.internal:5432/w (PGPASSWORD=hunter22, ?token=abcdef123456)');
  },
};

let t: TestCore;
beforeAll(async () => {
  t = await startTestCore();
  t.core.jobs.register(countJob);
  t.core.jobs.register(leakyJob);
});
afterAll(() => t.close());

describe('jobs', () => {
  it('runs a job to success with steps, progress and a result', async () => {
    const run = await t.core.jobs.enqueue('test-count', { steps: 3, perStep: 4 });
    expect(run.steps.map((s) => s.name)).toEqual(['step-0', 'step-1', 'step-2']);
    const done = await t.core.jobs.wait(run.id);
    expect(done).toMatchObject({ status: 'succeeded', result: { total: 12 }, progress: { done: 12, total: 12, unit: 'rows' } });
    expect(done.steps.every((s) => s.status === 'done' && s.checkpointAt)).toBe(true);
    const viaApi = await t.ops.jobs.get({ runId: run.id });
    expect(viaApi.status).toBe('succeeded');
    const logs = await t.ops.logs.query({ runId: run.id, limit: 10 });
    expect(logs.entries.map((e) => e.event)).toEqual(expect.arrayContaining(['job_started', 'job_succeeded']));
  });

  it('reports a job whose own checks fail as incomplete, not succeeded', async () => {
    const run = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 7 });
    expect((await t.core.jobs.wait(run.id)).status).toBe('incomplete');
  });

  it('rejects bad params and unknown kinds clearly', async () => {
    await expect(t.core.jobs.enqueue('test-count', { steps: 0, perStep: 1 })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^Count: steps: /) });
    await expect(t.core.jobs.enqueue('nope', {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('cancels a running job and can resume it from its checkpoint', async () => {
    const run = await t.core.jobs.enqueue('test-count', { steps: 2, perStep: 50, waitForCancel: true, key: 'cancel' });
    const checkpoint = () => (t.core.db.prepare("SELECT checkpoint FROM job_steps WHERE run_id = ? AND name = 'step-0'").get(run.id) as { checkpoint: string | null } | undefined)?.checkpoint;
    await waitFor('a checkpoint in step-0', () => Number(checkpoint() ?? 0) >= 3 || null);
    expect(t.core.jobs.get(run.id).progress.done).toBeGreaterThanOrEqual(3);
    const cancelled = await t.ops.jobs.cancel({ runId: run.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', resumable: true });
    const doneBefore = cancelled.progress.done;
    executed.length = 0;
    await t.ops.jobs.resume({ runId: run.id });
    const resumed = await t.core.jobs.wait(run.id);
    expect(resumed).toMatchObject({ status: 'succeeded', attempt: 2, result: { total: 100 } });
    expect(doneBefore).toBeLessThan(100);
    // step-0 was interrupted mid-way: it re-entered from its checkpoint, not from 0
    expect(executed.filter((e) => e.endsWith('step-0'))).toHaveLength(1);
  });

  it('retries a failed run: finished steps are skipped', async () => {
    executed.length = 0;
    const run = await t.core.jobs.enqueue('test-count', { steps: 3, perStep: 5, failInStep: 1, key: 'fail' });
    const failed = await t.core.jobs.wait(run.id);
    expect(failed).toMatchObject({ status: 'failed', error: 'Postgres went away', resumable: true });
    expect(failed.steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending']);
    await t.core.jobs.resume(run.id);
    const ok = await t.core.jobs.wait(run.id);
    expect(ok.status).toBe('succeeded');
    const id = run.id.slice(0, 4);
    expect(executed.filter((e) => e === `${id}:step-0`)).toHaveLength(1);
    expect(executed.filter((e) => e === `${id}:step-1`)).toHaveLength(2);
  });

  it('retries from a chosen step (Dagster style): a new run, same parameters, earlier steps reused with their results', async () => {
    executed.length = 0;
    const first = await t.core.jobs.wait((await t.core.jobs.enqueue('test-count', { steps: 3, perStep: 2, key: 'from-step' })).id);
    expect(first).toMatchObject({ status: 'succeeded', result: { total: 6 } });
    const retry = await t.ops.jobs.rerun({ runId: first.id, fromStep: 'step-2' });
    expect(retry.id).not.toBe(first.id);
    expect(retry).toMatchObject({ params: first.params, rerunOf: { runId: first.id, fromStep: 'step-2' }, attempt: 1 });
    const done = await t.core.jobs.wait(retry.id);
    // The reused steps' results feed the run as if they had run: 2 + 2 reused + 2 run now.
    expect(done).toMatchObject({ status: 'succeeded', result: { total: 6 } });
    expect(done.steps.map((s) => [s.name, s.status])).toEqual([['step-0', 'reused'], ['step-1', 'reused'], ['step-2', 'done']]);
    expect(executed.filter((e) => e.startsWith(retry.id.slice(0, 4)))).toEqual([`${retry.id.slice(0, 4)}:step-2`]);
    const logs = await t.ops.logs.query({ runId: retry.id, limit: 20 });
    expect(logs.entries.find((e) => e.event === 'job_rerun')?.msg).toMatch(/retry of run .* from step "step-2" \(step-0 reused, step-1 reused\)/);
    // A retry of a retry reuses what that one reused; without a step, everything runs again.
    const again = await t.core.jobs.wait((await t.ops.jobs.rerun({ runId: done.id, fromStep: 'step-1' })).id);
    expect(again.steps.map((s) => s.status)).toEqual(['reused', 'done', 'done']);
    const whole = await t.core.jobs.wait((await t.ops.jobs.rerun({ runId: first.id })).id);
    expect(whole.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(whole.rerunOf).toBeNull();
  });

  it('refuses a retry from a step it cannot honour, saying why', async () => {
    failOnce = true;
    const failed = await t.core.jobs.wait((await t.core.jobs.enqueue('test-count', { steps: 3, perStep: 5, failInStep: 1, key: 'from-failed' })).id);
    if (failed.status !== 'failed') throw new Error(`expected a failed run, got ${failed.status}`);
    await expect(t.ops.jobs.rerun({ runId: failed.id, fromStep: 'step-2' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/Step "step-1" did not finish in that run \(failed\).*retry from "step-1"/) });
    await expect(t.ops.jobs.rerun({ runId: failed.id, fromStep: 'step-9' })).rejects.toMatchObject({ code: 'invalid_input', message: 'fromStep: "step-9" is not a step of Count (its steps: step-0, step-1, step-2)' });
    const retry = await t.core.jobs.wait((await t.ops.jobs.rerun({ runId: failed.id, fromStep: 'step-1' })).id);
    expect(retry.steps.map((s) => s.status)).toEqual(['reused', 'done', 'done']);
    const running = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 50, waitForCancel: true, key: 'from-running' });
    await expect(t.ops.jobs.rerun({ runId: running.id, fromStep: 'step-0' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/retry it once it has stopped/) });
    await t.core.jobs.cancel(running.id);
  });

  it('stores and sends a failed run’s error message redacted', async () => {
    const seen: string[] = [];
    const off = t.core.jobs.onChange((r) => r.error && seen.push(r.error));
    const run = await t.core.jobs.enqueue('test-leaky', {});
    const failed = await t.core.jobs.wait(run.id);
    off();
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('could not connect to postgres://app:[redacted]@db.internal:5432/w (PGPASSWORD=[redacted], ?token=[redacted]'); // the value pattern errs on the side of the secret: it takes the closing parenthesis too
    const stored = JSON.stringify(t.core.db.prepare('SELECT * FROM job_runs WHERE id = ?').get(run.id)) + JSON.stringify(seen) + JSON.stringify(await t.ops.jobs.get({ runId: run.id }));
    for (const secret of ['pa/ss@w@rd', 'hunter22', 'abcdef123456']) expect(stored).not.toContain(secret);
  });

  it('limits concurrency and serializes runs sharing a key', async () => {
    await t.ops.settings.update({ jobConcurrency: 1 });
    const a = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 5, waitForCancel: true, key: 'x' });
    const b = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 1, key: 'y' });
    expect(t.core.jobs.get(b.id).status).toBe('queued');
    await t.core.jobs.wait(a.id);
    expect((await t.core.jobs.wait(b.id)).status).toBe('succeeded');
    await t.ops.settings.update({ jobConcurrency: 2 });
    const c = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 5, waitForCancel: true, key: 'same' });
    const d = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 1, key: 'same' });
    expect(t.core.jobs.get(d.id).status).toBe('queued');
    await t.core.jobs.wait(d.id);
    expect(Date.parse(t.core.jobs.get(d.id).startedAt!)).toBeGreaterThanOrEqual(Date.parse(t.core.jobs.get(c.id).finishedAt!));
  });

  it('dedupes an active run of the same kind and key when asked', async () => {
    const a = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 20, waitForCancel: true, key: 'dedupe' });
    const b = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 20, waitForCancel: true, key: 'dedupe' }, { dedupe: true });
    expect(b.id).toBe(a.id);
    await t.core.jobs.cancel(a.id);
  });

  it('streams changes to subscribers', async () => {
    const seen: string[] = [];
    const off = t.ops.subscribe('jobs.changed', {}, (r) => seen.push(r.status));
    const run = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 2, key: 'stream' });
    await t.core.jobs.wait(run.id);
    await new Promise((r) => setTimeout(r, 30));
    off();
    expect(seen).toEqual(expect.arrayContaining(['queued', 'running', 'succeeded']));
  });

  it('marks runs of a dead process interrupted on start, and auto-resumes kinds that ask for it', async () => {
    const dead = `${hostname()}:999999999`;
    const auto: JobDefinition<typeof Count> = { ...countJob, kind: 'test-auto', autoResume: true };
    const run1 = await t.core.jobs.enqueue('test-count', { steps: 1, perStep: 1, key: 'o1' });
    await t.core.jobs.wait(run1.id);
    t.core.db.prepare("UPDATE job_runs SET status = 'running', owner = ?, finished_at = NULL WHERE id = ?").run(dead, run1.id);
    t.core.jobs.register(auto);
    const run2 = await t.core.jobs.enqueue('test-auto', { steps: 1, perStep: 1, key: 'o2' });
    await t.core.jobs.wait(run2.id);
    t.core.db.prepare("UPDATE job_runs SET status = 'running', owner = ?, finished_at = NULL WHERE id = ?").run(dead, run2.id);

    const second = await createCore({ home: t.home, mode: 'test', env: {}, extraJobs: [countJob, auto] });
    try {
      expect(second.jobs.get(run1.id)).toMatchObject({ status: 'interrupted', resumable: true });
      const resumed = await second.jobs.wait(run2.id);
      expect(resumed).toMatchObject({ status: 'succeeded', attempt: 2 });
    } finally {
      await second.close();
    }
  });
});
