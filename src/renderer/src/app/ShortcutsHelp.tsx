import { Dialog } from 'radix-ui';
import { ROUTES } from './routes.tsx';

export function ShortcutsHelp({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  const rows: [string, string][] = [
    ['Ctrl/⌘ K', 'Command palette'],
    ['/', 'Focus the page’s search box'],
    ['?', 'This help'],
    ...ROUTES.map((r, i): [string, string] => [i < 9 ? `${i + 1}  ·  g ${r.key}  ·  Alt+${i + 1}` : `g ${r.key}`, `Go to ${r.label}`]),
    ['↑ ↓ / j k', 'Move in lists'],
    ['Enter', 'Open the selected row'],
    ['Esc', 'Close dialogs and drawers'],
  ];
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <Dialog.Title asChild>
            <h2>Keyboard shortcuts</h2>
          </Dialog.Title>
          <table className="simple">
            <tbody>
              {rows.map(([k, v]) => (
                <tr key={k}>
                  <td>
                    <kbd>{k}</kbd>
                  </td>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
