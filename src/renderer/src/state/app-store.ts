import { create } from 'zustand';
import type { AppInfo } from '../../../shared/contract/app.ts';
import type { Profile } from '../../../shared/contract/profiles.ts';
import type { Settings } from '../../../shared/contract/settings.ts';
import { linkStatus, onLinkStatus, type LinkStatus } from '../client/link-status.ts';
import { ops } from '../client/ops.ts';

export type Tone = 'info' | 'healthy' | 'degraded' | 'down';
export interface Toast {
  id: number;
  title: string;
  body?: string;
  tone: Tone;
}

interface AppState {
  connected: boolean;
  /** Why and since when the link is down, for the disconnected banner. */
  link: LinkStatus;
  /** Bumped on every reconnect: pages remount and fetch afresh (nothing stale survives a restart). */
  epoch: number;
  info: AppInfo | null;
  settings: Settings | null;
  profiles: Profile[];
  toasts: Toast[];
  load(): Promise<void>;
  refreshProfiles(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  toast(t: Omit<Toast, 'id'>): void;
  dismiss(id: number): void;
}

let toastId = 1;

export const useApp = create<AppState>((set, get) => ({
  connected: false,
  link: linkStatus(),
  epoch: 0,
  info: null,
  settings: null,
  profiles: [],
  toasts: [],
  async load() {
    const [info, settings, profiles] = await Promise.all([ops.app.info(), ops.settings.get(), ops.profiles.list()]);
    set({ info, settings, profiles, connected: true });
  },
  async refreshProfiles() {
    set({ profiles: await ops.profiles.list() });
  },
  async updateSettings(patch) {
    set({ settings: await ops.settings.update(patch) });
  },
  toast(t) {
    const id = toastId++;
    // A calm screen: at most four toasts at once, newest kept.
    set({ toasts: [...get().toasts.slice(-3), { ...t, id }] });
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

let lost = false;
ops.onConnection((state) => {
  useApp.setState({ connected: state === 'open' });
  if (state === 'closed') lost = true;
  // After a reconnect (core restarted), reload what the views depend on and remount the page.
  if (state === 'open' && lost) {
    lost = false;
    useApp.setState({ epoch: useApp.getState().epoch + 1 });
    void useApp.getState().load();
  }
});
onLinkStatus((link) => useApp.setState({ link }));

/** Shows an operation's failure as a toast; returns undefined instead of throwing. */
export async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    useApp.getState().toast({ title: `${what} failed`, body: e instanceof Error ? e.message : String(e), tone: 'down' });
    return undefined;
  }
}

// A profile created or activated in another window (or by a test through the API) shows at once.
ops.subscribe('profiles.changed', {}, (profiles) => useApp.setState({ profiles }));
