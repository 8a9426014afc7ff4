import { Dialog } from 'radix-ui';
import type { CSSProperties, ReactNode } from 'react';

/**
 * The console's one modal dialog (Radix): overlay, a titled panel, Esc or a click outside closes it.
 * Writes that need a confirmation use ConfirmDialog instead; a `Dialog.Close` inside closes this one.
 */
export function Modal({ open = true, onOpenChange, title, style, children }: { open?: boolean; onOpenChange(open: boolean): void; title: ReactNode; style?: CSSProperties; children: ReactNode }) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined} style={style}>
          <Dialog.Title asChild>
            <h2>{title}</h2>
          </Dialog.Title>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
