import { AlertDialog } from 'radix-ui';
import type { ReactNode } from 'react';

/** Every write the operator triggers goes through here: it shows exactly what will run. */
export function ConfirmDialog(props: { open: boolean; title: string; children: ReactNode; confirmLabel: string; cancelLabel?: string; danger?: boolean; onConfirm(): void; onOpenChange(open: boolean): void }) {
  return (
    <AlertDialog.Root open={props.open} onOpenChange={props.onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="overlay" />
        <AlertDialog.Content className="dialog">
          <AlertDialog.Title asChild>
            <h2>{props.title}</h2>
          </AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="stack">{props.children}</div>
          </AlertDialog.Description>
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <AlertDialog.Cancel className="btn">{props.cancelLabel ?? 'Cancel'}</AlertDialog.Cancel>
            <AlertDialog.Action className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`} onClick={props.onConfirm}>
              {props.confirmLabel}
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
