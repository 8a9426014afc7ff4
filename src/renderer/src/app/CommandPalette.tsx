import { Dialog } from 'radix-ui';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { CatalogueEntry } from '../../../shared/contract/queries.ts';
import { ops } from '../client/ops.ts';
import { useApp } from '../state/app-store.ts';
import { useHealth } from '../state/health-store.ts';
import { ROUTES } from './routes.tsx';

interface Command {
  id: string;
  label: string;
  hint?: string;
  run(): void;
}

export function CommandPalette({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  const navigate = useNavigate();
  const updateSettings = useApp((s) => s.updateSettings);
  const theme = useApp((s) => s.settings?.theme);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [queries, setQueries] = useState<CatalogueEntry[]>([]);
  const runHealth = useHealth((s) => s.runNow);
  useEffect(() => {
    if (open) ops.queries.catalogue().then(setQueries, () => setQueries([]));
  }, [open]);

  const commands = useMemo<Command[]>(
    () => [
      // Actions first: the palette does things, not only goes places.
      { id: 'run-health', label: 'Run health checks now', hint: 'action', run: () => (navigate('/health'), void runHealth()) },
      { id: 'new-backfill', label: 'New backfill…', hint: 'action', run: () => navigate('/backfill') },
      { id: 'open-secrets', label: 'Open secrets (Settings → Secrets)', hint: 'action', run: () => navigate('/settings?focus=secrets') },
      { id: 'sql-editor', label: 'Open the SQL editor', hint: 'action', run: () => navigate('/queries?id=sql-editor') },
      { id: 'open-log', label: 'Open a local log file…', hint: 'action', run: () => navigate('/logs?tab=files') },
      { id: 'theme', label: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`, hint: 'action', run: () => void updateSettings({ theme: theme === 'dark' ? 'light' : 'dark' }) },
      ...ROUTES.map((r, i) => ({ id: r.path, label: `Go to ${r.label}`, hint: i < 9 ? `${i + 1} · g ${r.key}` : `g ${r.key}`, run: () => navigate(r.path) })),
      ...queries.map((q) => ({ id: `query:${q.id}`, label: `Run query: ${q.title}`, hint: q.group, run: () => navigate(`/queries?${new URLSearchParams({ id: q.id, run: '1' })}`) })),
    ],
    [navigate, theme, updateSettings, runHealth, queries],
  );
  // Every typed word must occur in the label ("run contrib" finds "Run query: Most active contributors").
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = commands.filter((c) => words.every((w) => c.label.toLowerCase().includes(w)));
  const run = (c: Command | undefined) => {
    if (!c) return;
    onOpenChange(false);
    setQuery('');
    c.run();
  };

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <Dialog.Title className="faint" style={{ fontSize: 12 }}>
            Command palette
          </Dialog.Title>
          <input
            autoFocus
            className="input palette-input"
            placeholder="Type a command…"
            value={query}
            role="combobox"
            aria-expanded="true"
            aria-controls="palette-list"
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') return run(shown[active]);
              const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
              if (!step) return;
              e.preventDefault();
              setActive((a) => Math.max(0, Math.min(shown.length - 1, a + step)));
            }}
          />
          <div id="palette-list" role="listbox" style={{ maxHeight: '60vh', overflow: 'auto' }}>
            {shown.map((c, i) => (
              <div key={c.id} role="option" aria-selected={i === active} className="palette-item" onMouseEnter={() => setActive(i)} onClick={() => run(c)} ref={i === active ? (el) => el?.scrollIntoView({ block: 'nearest' }) : undefined}>
                {c.label}
                {c.hint && <kbd style={{ marginLeft: 'auto' }}>{c.hint}</kbd>}
              </div>
            ))}
            {!shown.length && <div className="empty">No command matches</div>}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
