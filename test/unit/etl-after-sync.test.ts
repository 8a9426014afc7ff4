import { describe, expect, it } from 'vitest';
import type { JobRun } from '../../src/shared/contract/jobs.ts';
import { refreshAfterSync } from '../../src/main/etl/after-sync.ts';
import { ENGINEER_LENS_JOB } from '../../src/main/etl/etl-service.ts';
import type { JobService } from '../../src/main/jobs/job-service.ts';
import type { Logger } from '../../src/main/logging/logger.ts';
import { SYNC_JOB } from '../../src/main/sync/sync-service.ts';

/** The calls refreshAfterSync makes, over a list of runs the test controls (runs named `other…` ran on another worker). */
function fakeJobs() {
  const listeners: ((r: JobRun) => void)[] = [];
  const runs: { id: string; kind: string; status: string; params: Record<string, unknown> }[] = [];
  const enqueued: { kind: string; params: Record<string, unknown> }[] = [];
  const jobs = {
    ranHere: (id: string) => !id.startsWith('other'),
    onChange(l: (r: JobRun) => void) {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
    list({ kind, status }: { kind?: string; status?: string }) {
      return runs.filter((r) => (!kind || r.kind === kind) && (!status || r.status === status));
    },
    async enqueue(kind: string, params: Record<string, unknown>) {
      enqueued.push({ kind, params });
      runs.push({ id: `e${runs.length}`, kind, status: 'queued', params: { updateTable: 'all', repository: null, ...params } });
      return runs.at(-1);
    },
  } as unknown as JobService;
  const emit = (id: string, kind: string, status: string, params: Record<string, unknown>) => {
    for (const l of [...listeners]) l({ id, kind, status, params } as unknown as JobRun);
  };
  return { jobs, runs, enqueued, emit };
}

const log = { warn() {}, info() {}, error() {}, debug() {}, child: () => log } as unknown as Logger;

describe('Engineer Lens after every sync', () => {
  it('a finished sync queues one incremental run for its repository; failures, repeats and queued duplicates do not', async () => {
    const f = fakeJobs();
    const off = refreshAfterSync(f.jobs, log);
    f.emit('s1', SYNC_JOB, 'running', { repository: 'acme/web' });
    f.emit('s1', SYNC_JOB, 'failed', { repository: 'acme/web' });
    f.emit('x', 'embed', 'succeeded', { repository: 'acme/web' });
    // A sync another worker ran: that worker's process refreshes, not every console that saw it end.
    f.emit('other1', SYNC_JOB, 'succeeded', { repository: 'acme/web' });
    expect(f.enqueued).toEqual([]);

    f.emit('s2', SYNC_JOB, 'succeeded', { repository: 'acme/web' });
    f.emit('s2', SYNC_JOB, 'succeeded', { repository: 'acme/web' }); // the same run reported twice
    expect(f.enqueued).toEqual([{ kind: ENGINEER_LENS_JOB, params: { repository: 'acme/web', trigger: 'sync' } }]);

    // Another sync of the same repository while that run still waits: it will see both syncs' PRs.
    f.emit('s3', SYNC_JOB, 'incomplete', { repository: 'ACME/web' });
    expect(f.enqueued).toHaveLength(1);
    // Another repository gets its own run.
    f.emit('s4', SYNC_JOB, 'incomplete', { repository: 'acme/api' });
    expect(f.enqueued.map((e) => e.params.repository)).toEqual(['acme/web', 'acme/api']);
    // Once the waiting run has started, the next sync queues a new one.
    f.runs[0]!.status = 'running';
    f.emit('s5', SYNC_JOB, 'succeeded', { repository: 'acme/web' });
    expect(f.enqueued.map((e) => e.params.repository)).toEqual(['acme/web', 'acme/api', 'acme/web']);

    off();
    f.emit('s6', SYNC_JOB, 'succeeded', { repository: 'acme/docs' });
    expect(f.enqueued).toHaveLength(3);
  });

  it('a queued run for one table only does not stand in for a full one', async () => {
    const f = fakeJobs();
    f.runs.push({ id: 'q', kind: ENGINEER_LENS_JOB, status: 'queued', params: { updateTable: 'authors', repository: 'acme/web' } });
    refreshAfterSync(f.jobs, log);
    f.emit('s1', SYNC_JOB, 'succeeded', { repository: 'acme/web' });
    expect(f.enqueued).toHaveLength(1);
    // A queued run for every repository does.
    f.runs.splice(0, f.runs.length, { id: 'q2', kind: ENGINEER_LENS_JOB, status: 'queued', params: { updateTable: 'all', repository: null } });
    f.emit('s2', SYNC_JOB, 'succeeded', { repository: 'acme/api' });
    expect(f.enqueued).toHaveLength(1);
  });
});
