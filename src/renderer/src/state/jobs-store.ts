import { create } from 'zustand';
import type { JobRun } from '../../../shared/contract/jobs.ts';
import { consistentRun } from '../../../shared/progress.ts';
import { ops } from '../client/ops.ts';

interface JobsState {
  runs: Record<string, JobRun>;
  loaded: boolean;
  load(): Promise<void>;
  upsert(run: JobRun): void;
}

/** Job runs kept live from the core's `jobs.changed` stream. */
export const useJobs = create<JobsState>((set, get) => ({
  runs: {},
  loaded: false,
  async load() {
    const list = await ops.jobs.list({ limit: 500 });
    set({ runs: Object.fromEntries(list.map((r) => [r.id, consistentRun(r)])), loaded: true });
  },
  upsert(run) {
    set({ runs: { ...get().runs, [run.id]: consistentRun(run) } });
  },
}));

let started = false;
export function startJobFeed(): void {
  if (started) return;
  started = true;
  ops.subscribe('jobs.changed', {}, (run) => useJobs.getState().upsert(run));
  void useJobs.getState().load();
  // After a lost connection: the list as the core has it now (runs that ended or were
  // interrupted meanwhile sent no event to this tab), never the stale copy.
  let lost = false;
  ops.onConnection((state) => {
    if (state === 'closed') lost = true;
    else if (lost) {
      lost = false;
      void useJobs.getState().load().catch(() => {});
    }
  });
}

export function sortedRuns(runs: Record<string, JobRun>): JobRun[] {
  return Object.values(runs).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}
