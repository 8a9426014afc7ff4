import { Dialog } from 'radix-ui';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useApp } from '../state/app-store.ts';
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

  const commands = useMemo<Command[]>(
    () => [
      ...ROUTES.map((r, i) => ({ id: r.path, label: `Go to ${r.label}`, hint: `g ${r.key} · Alt+${i + 1}`, run: () => navigate(r.path) })),
      { id: 'theme', label: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`, run: () => void updateSettings({ theme: theme === 'dark' ? 'light' : 'dark' }) },
      { id: 'open-log', label: 'Open a local log file…', run: () => navigate('/logs?tab=files') },
    ],
    [navigate, theme, updateSettings],
  );
  const shown = commands.filter((c) => c.label.toLowerCase().includes(query.toLowerCase()));
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
          <div id="palette-list" role="listbox">
            {shown.map((c, i) => (
              <div key={c.id} role="option" aria-selected={i === active} className="palette-item" onMouseEnter={() => setActive(i)} onClick={() => run(c)}>
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
