import { useCallback, useEffect, useState } from 'react';
import { HashRouter, Navigate, NavLink, Route, Routes } from 'react-router';
import { Toasts } from '../components/Toasts.tsx';
import { useApp } from '../state/app-store.ts';
import { startAlertFeed } from '../state/alerts-store.ts';
import { startHealthFeed } from '../state/health-store.ts';
import { startJobFeed } from '../state/jobs-store.ts';
import { CommandPalette } from './CommandPalette.tsx';
import { DisconnectedBanner } from './DisconnectedBanner.tsx';
import { ROUTES } from './routes.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { TopBar } from './TopBar.tsx';
import { useShortcuts } from './useShortcuts.ts';
import { useTheme } from './useTheme.ts';

function Layout() {
  const [palette, setPalette] = useState(false);
  const [help, setHelp] = useState(false);
  const openPalette = useCallback(() => setPalette(true), []);
  const openHelp = useCallback(() => setHelp(true), []);
  useShortcuts(openPalette, openHelp);
  const connected = useApp((s) => s.connected);
  const epoch = useApp((s) => s.epoch);
  return (
    <div className="shell">
      <TopBar onPalette={openPalette} />
      <div className="banner-slot">
        <DisconnectedBanner />
      </div>
      <nav className="sidebar" aria-label="Pages">
        {ROUTES.map((r, i) => (
          <NavLink key={r.path} to={r.path} className="nav-link">
            {r.label}
            {/* 1…9 (or Alt+1…9 inside a text field) reach the first nine pages; the rest show their `g` key. */}
            <kbd aria-hidden title={i < 9 ? `${i + 1} or Alt+${i + 1}` : `g ${r.key}`}>{i < 9 ? i + 1 : `g ${r.key}`}</kbd>
          </NavLink>
        ))}
      </nav>
      <main className="main" data-stale={!connected}>
        {/* A disabled fieldset disables every button and field of the page at once while the core is out of reach. */}
        <fieldset className="actions-gate" disabled={!connected} key={epoch}>
          <Routes>
            {ROUTES.map((r) => (
              <Route key={r.path} path={`${r.path}/*`} element={<r.Component />} />
            ))}
            <Route path="*" element={<Navigate to="/health" replace />} />
          </Routes>
        </fieldset>
      </main>
      <CommandPalette open={palette} onOpenChange={setPalette} />
      <ShortcutsHelp open={help} onOpenChange={setHelp} />
      <Toasts />
    </div>
  );
}

export function App() {
  const load = useApp((s) => s.load);
  const toast = useApp((s) => s.toast);
  useTheme();
  useEffect(() => {
    load().catch((e: Error) => toast({ title: 'Cannot reach the Repo Ops core', body: e.message, tone: 'down' }));
    startJobFeed();
    startHealthFeed();
    startAlertFeed();
  }, [load, toast]);
  return (
    <HashRouter>
      <Layout />
    </HashRouter>
  );
}
