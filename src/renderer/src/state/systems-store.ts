import { create } from 'zustand';
import type { System, SystemsHealthRun } from '../../../shared/contract/systems.ts';
import { ops } from '../client/ops.ts';
import { attempt } from './app-store.ts';

interface SystemsState {
  systems: System[];
  run: SystemsHealthRun | null;
  running: boolean;
  load(): Promise<void>;
  runNow(): Promise<void>;
}

export const useSystems = create<SystemsState>((set) => ({
  systems: [],
  run: null,
  running: false,
  async load() {
    const [systems, latest] = await Promise.all([ops.systems.list(), ops.systems.latest()]);
    set({ systems, run: latest.run });
  },
  async runNow() {
    set({ running: true });
    try {
      const run = await attempt('Checking the systems', () => ops.systems.health({}));
      if (run) set({ run });
    } finally {
      set({ running: false });
    }
  },
}));

let started = false;
export function startSystemsFeed(): void {
  if (started) return;
  started = true;
  ops.subscribe('systems.results', {}, (run) => useSystems.setState({ run }));
  ops.subscribe('systems.changed', {}, (systems) => useSystems.setState({ systems }));
}
