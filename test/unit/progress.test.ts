import { describe, expect, it } from 'vitest';
import type { JobRun, JobStatus } from '../../src/shared/contract/jobs.ts';
import { carriedCount, consistentRun, currentStep, etaSeconds, figures, needsAttention, percentOf, RateMeter, resumedProgress, stepStatusFor } from '../../src/shared/progress.ts';

const run = (status: JobStatus, over: Partial<JobRun> = {}): JobRun => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'backfill',
  title: 'Backfill octo/widgets',
  status,
  params: {},
  progress: { done: 30, total: 100, unit: '%', message: null, ratePerSec: 2, etaSeconds: 35, extra: {} },
  steps: [],
  attempt: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: null,
  error: null,
  result: null,
  resumable: false,
  ...over,
});
const sub = (state: string, done = 0, total: number | null = null) => ({ done, total, unit: 'items', message: null, ratePerSec: 20, etaSeconds: 12, state, seconds: null });

describe('progress math', () => {
  it('percentage, rate and ETA only when a total is known', () => {
    expect(percentOf(1100, 3600)).toBeCloseTo(30.56, 1);
    expect(percentOf(5, null)).toBeNull();
    expect(percentOf(0, 0)).toBe(100);
    expect(percentOf(4000, 3600)).toBe(100);
    expect(etaSeconds(1100, 3600, 25)).toBe(100);
    expect(etaSeconds(1100, null, 25)).toBeNull();
    expect(etaSeconds(1100, 3600, 0)).toBeNull();
    const f = figures({ done: 1100, total: 3600, unit: 'items', ratePerSec: 25, etaSeconds: null }, true);
    expect(f).toMatchObject({ percent: expect.closeTo(30.56, 1), ratePerSec: 25, etaSeconds: 100 });
    // Not moving: no rate, no ETA, but done/total and percentage stay.
    expect(figures({ done: 1100, total: 3600, unit: 'items', ratePerSec: 25, etaSeconds: 100 }, false)).toMatchObject({ done: 1100, total: 3600, ratePerSec: null, etaSeconds: null });
  });

  it('the rate meter smooths samples and gives an ETA', () => {
    const m = new RateMeter(5000);
    expect(m.sample(0, 1000)).toBeNull();
    expect(m.sample(100, 2000)).toBe(100);
    const r = m.sample(300, 3000)!;
    expect(r).toBeGreaterThan(100);
    expect(r).toBeLessThan(200);
    expect(m.eta(300, 1300)).toBeCloseTo(1000 / r);
    expect(m.eta(300, null)).toBeNull();
  });

  it('counts carry across resumes: a resumed attempt starts from the earlier counts, with a fresh rate', () => {
    expect(resumedProgress({ done: 1100, total: 3600, unit: 'items', message: 'x', ratePerSec: 23, etaSeconds: 110, extra: { rows: 5 } })).toEqual({ done: 1100, total: 3600, unit: 'items', message: 'x', ratePerSec: null, etaSeconds: null, extra: { rows: 5 } });
    expect(carriedCount(1100, 200)).toBe(1300);
    expect(carriedCount(-1, 5)).toBe(5);
  });

  it('step states agree with their run’s status', () => {
    expect(stepStatusFor('paused', 'running')).toBe('paused');
    expect(stepStatusFor('cancelled', 'running')).toBe('cancelled');
    expect(stepStatusFor('interrupted', 'failed')).toBe('interrupted'); // the abort failed the step; the run did not fail
    expect(stepStatusFor('failed', 'running')).toBe('failed');
    expect(stepStatusFor('succeeded', 'pending')).toBe('skipped');
    expect(stepStatusFor('succeeded', 'running')).toBe('done');
    expect(stepStatusFor('queued', 'paused')).toBe('pending');
    expect(stepStatusFor('running', 'running')).toBe('running');
    expect(stepStatusFor('paused', 'pending')).toBe('pending');
  });

  it('a paused run has no RUNNING step and no ETA anywhere', () => {
    const r = consistentRun(
      run('paused', {
        steps: [
          { name: 'sync', status: 'pending', startedAt: null, finishedAt: null, checkpointAt: null },
          { name: 'sync:pull_requests', status: 'failed', startedAt: '2026-01-01T00:00:02.000Z', finishedAt: '2026-01-01T00:00:05.000Z', checkpointAt: null },
          { name: 'embeddings', status: 'pending', startedAt: null, finishedAt: null, checkpointAt: null },
        ],
        progress: { done: 30, total: 100, unit: '%', message: null, ratePerSec: 2, etaSeconds: 35, extra: { currentStep: 'sync', steps: { sync: sub('running', 1100, 3600), embeddings: sub('pending') } } },
      }),
    );
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([
      ['sync', 'paused'],
      ['sync:pull_requests', 'paused'],
      ['embeddings', 'pending'],
    ]);
    expect(r.steps[0]!.startedAt).toBe('2026-01-01T00:00:02.000Z');
    expect(r.progress).toMatchObject({ etaSeconds: null, ratePerSec: null, done: 30 });
    const steps = r.progress.extra.steps as Record<string, { state: string; etaSeconds: number | null; ratePerSec: number | null; done: number }>;
    expect(steps.sync).toMatchObject({ state: 'paused', etaSeconds: null, ratePerSec: null, done: 1100 });
    expect(currentStep(r)).toMatchObject({ name: 'sync', state: 'paused' });
    expect(consistentRun(r)).toEqual(r); // idempotent
    expect(needsAttention(r)).toBe(true);
  });

  it('a succeeded run lists no pending step; declared steps take their state from their sub-steps', () => {
    const r = consistentRun(
      run('succeeded', {
        finishedAt: '2026-01-01T00:01:00.000Z',
        steps: [
          { name: 'prepare', status: 'pending', startedAt: null, finishedAt: null, checkpointAt: null },
          { name: 'embed', status: 'pending', startedAt: null, finishedAt: null, checkpointAt: null },
          { name: 'embed:batch', status: 'done', startedAt: '2026-01-01T00:00:02.000Z', finishedAt: '2026-01-01T00:00:09.000Z', checkpointAt: null },
        ],
      }),
    );
    expect(r.steps.map((s) => [s.name, s.status])).toEqual([
      ['prepare', 'skipped'],
      ['embed', 'done'],
      ['embed:batch', 'done'],
    ]);
    expect(r.steps[1]).toMatchObject({ startedAt: '2026-01-01T00:00:02.000Z', finishedAt: '2026-01-01T00:00:09.000Z' });
    expect(needsAttention(r)).toBe(false);
  });

  it('a running run keeps its live figures', () => {
    const live = run('running', { progress: { done: 30, total: 100, unit: '%', message: null, ratePerSec: 2, etaSeconds: 35, extra: { currentStep: 'sync', steps: { sync: sub('running', 1100, 3600) } } } });
    const r = consistentRun(live);
    expect(r.progress.etaSeconds).toBe(35);
    expect((r.progress.extra.steps as Record<string, { etaSeconds: number }>).sync!.etaSeconds).toBe(12);
    expect(live.progress.extra.steps).toEqual({ sync: sub('running', 1100, 3600) }); // input untouched
  });
});

describe('repository names as the wizard checks them', () => {
  it('says what is wrong as the operator types, and nothing for an empty field', async () => {
    const { repoNameProblem } = await import('../../src/shared/repo-name.ts');
    expect(repoNameProblem('')).toBeNull();
    expect(repoNameProblem('octo/widgets')).toBeNull();
    expect(repoNameProblem('https://github.com/octo/widgets.git')).toBeNull();
    expect(repoNameProblem('octo')).toMatch(/use owner\/name/);
    expect(repoNameProblem('-octo/widgets')).toMatch(/not a valid GitHub owner/);
    expect(repoNameProblem('octo/wid gets')).toMatch(/not a valid repository name/);
  });
});

describe('run timeline', () => {
  it('places each started step on the run’s time axis', async () => {
    const { timeline } = await import('../../src/shared/progress.ts');
    const t = (s: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + s * 1000).toISOString();
    const r = run('succeeded', {
      finishedAt: t(10),
      steps: [
        { name: 'sync', status: 'done', startedAt: t(0), finishedAt: t(6), checkpointAt: null },
        { name: 'aggregate', status: 'done', startedAt: t(6), finishedAt: t(7), checkpointAt: null },
        { name: 'verify', status: 'done', startedAt: t(7), finishedAt: t(10), checkpointAt: null },
        { name: 'embeddings', status: 'skipped', startedAt: null, finishedAt: null, checkpointAt: null },
      ],
    });
    const { bars, spanSeconds } = timeline(r, Date.parse(t(99)));
    expect(spanSeconds).toBe(10);
    expect(bars.map((b) => [b.name, b.left, b.width, b.seconds])).toEqual([
      ['sync', 0, 0.6, 6],
      ['aggregate', 0.6, 0.1, 1],
      ['verify', 0.7, 0.3, 3],
    ]);
    // A running step reaches to now.
    const live = timeline(run('running', { steps: [{ name: 'sync', status: 'running', startedAt: t(0), finishedAt: null, checkpointAt: null }] }), Date.parse(t(4)));
    expect(live.bars[0]).toMatchObject({ left: 0, width: 1, seconds: 4 });
  });
});
