import { create } from 'zustand';
import type { Alert, Channel, Delivery, Silence } from '../../../shared/contract/alerts.ts';
import { ops } from '../client/ops.ts';
import { useApp } from './app-store.ts';

interface AlertsState {
  alerts: Alert[];
  channels: Channel[];
  deliveries: Delivery[];
  silences: Silence[];
  showAll: boolean;
  loaded: boolean;
  load(): Promise<void>;
  setShowAll(v: boolean): void;
}

/** Alerts, channels and the outbox, refreshed when the core says something changed. */
export const useAlerts = create<AlertsState>((set, get) => ({
  alerts: [],
  channels: [],
  deliveries: [],
  silences: [],
  showAll: false,
  loaded: false,
  async load() {
    const [alerts, channels, deliveries, silences] = await Promise.all([ops.alerts.list({ state: get().showAll ? 'all' : 'open' }), ops.alerts.channels(), ops.alerts.deliveries({ limit: 300 }), ops.alerts.silences()]);
    set({ alerts, channels, deliveries, silences, loaded: true });
  },
  setShowAll(v) {
    set({ showAll: v });
    void get().load();
  },
}));

let started = false;
let pending: ReturnType<typeof setTimeout> | null = null;
let watchers = 0;

/** Desktop notifications: the core's desktop channel hands them to every open window. */
export function startAlertFeed(): void {
  if (started) return;
  started = true;
  ops.subscribe('alerts.desktop', {}, (n) => {
    useApp.getState().toast({ title: n.title, body: n.body, tone: n.tone === 'info' ? 'info' : n.tone });
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && useApp.getState().settings?.notifications !== false) new Notification(n.title, { body: n.body, tag: `repo-ops-${n.id}` });
  });
  ops.subscribe('alerts.changed', {}, () => {
    if (!watchers || pending) return;
    // Bursts of deliveries refresh the page a few times a second at most.
    pending = setTimeout(() => {
      pending = null;
      void useAlerts.getState().load().catch(() => {});
    }, 250);
  });
}

/** Pages showing alerts keep them fresh while mounted. */
export function watchAlerts(): () => void {
  watchers++;
  void useAlerts.getState().load().catch((e: Error) => useApp.getState().toast({ title: 'Alerts unavailable', body: e.message, tone: 'down' }));
  return () => {
    watchers--;
  };
}
