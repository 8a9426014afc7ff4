import { Modal } from '../components/Modal.tsx';
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
    <Modal open={open} onOpenChange={onOpenChange} title="Keyboard shortcuts">
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
    </Modal>
  );
}
