import { create } from 'zustand';
import type { HealthRun } from '../../../shared/contract/health.ts';
import { ops } from '../client/ops.ts';
import { useApp } from './app-store.ts';

interface HealthState {
  run: HealthRun | null;
  running: boolean;
  history: Record<string, [number, number | null][]>;
  load(): Promise<void>;
  runNow(): Promise<void>;
  loadHistory(): Promise<void>;
}

export const useHealth = create<HealthState>((set, get) => ({
  run: null,
  running: false,
  history: {},
  async load() {
    const { run } = await ops.health.latest();
    set({ run });
    await get().loadHistory();
  },
  async runNow() {
    set({ running: true });
    try {
      set({ run: await ops.health.run({}) });
      await get().loadHistory();
    } catch (e) {
      useApp.getState().toast({ title: 'Health checks failed to run', body: (e as Error).message, tone: 'down' });
    } finally {
      set({ running: false });
    }
  },
  async loadHistory() {
    const points = await ops.health.history({ hours: 24, limit: 5000 });
    const history: Record<string, [number, number | null][]> = {};
    for (const p of points) (history[p.service] ??= []).push([Date.parse(p.ts), p.latencyMs]);
    set({ history });
  },
}));

let started = false;
/** Health changes reach the operator anywhere in the console; scheduled runs refresh the page. */
export function startHealthFeed(): void {
  if (started) return;
  started = true;
  ops.subscribe('health.results', {}, (run) => {
    useHealth.setState({ run });
    void useHealth.getState().loadHistory();
  });
  ops.subscribe('health.changed', {}, (c) => {
    if (c.from === null && c.to === 'healthy') return;
    const tone = c.to === 'healthy' ? 'healthy' : c.to === 'down' ? 'down' : 'degraded';
    const title = `${c.name}: ${c.from ?? 'new'} → ${c.to}`;
    // In the window; OS notifications come through the alerts' desktop channel (rules, silences, acks).
    useApp.getState().toast({ title, body: c.summary, tone });
  });
}
