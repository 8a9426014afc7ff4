import { useState, type ReactNode } from 'react';
import { attempt, useApp } from '../state/app-store.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

/**
 * The scaffolding shared by settings lists edited in place (alert channels, budgets):
 * one draft open at a time, Edit / Remove per row, Cancel / Save under the form, a confirmed removal.
 */
export function useRecordEditor<D extends object, R>() {
  const [draft, setDraft] = useState<D | null>(null);
  const [deleting, setDeleting] = useState<R | null>(null);
  const toast = useApp((s) => s.toast);
  const set = (patch: Partial<D>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  /** Saves the draft; on success closes it, says so and reloads the list (a failure already toasted). */
  const save = async (what: string, noun: string, write: () => Promise<{ name: string }>, reload: () => unknown) => {
    const saved = await attempt(what, write);
    if (!saved) return;
    toast({ title: `${noun} "${saved.name}" saved`, tone: 'healthy' });
    setDraft(null);
    await reload();
  };
  return { draft, setDraft, set, deleting, setDeleting, save };
}

/** A row's closing cell: its own actions first, then Edit and Remove. */
export function RowActions({ onEdit, onRemove, children }: { onEdit(): void; onRemove(): void; children?: ReactNode }) {
  return (
    <td className="row" style={{ justifyContent: 'flex-end' }}>
      {children}
      <button className="btn btn-sm" onClick={onEdit}>
        Edit
      </button>
      <button className="btn btn-sm btn-danger" onClick={onRemove}>
        Remove
      </button>
    </td>
  );
}

/** Cancel and Save at the end of an editor form. */
export function FormButtons({ saveLabel, canSave, onCancel, onSave }: { saveLabel: string; canSave: boolean; onCancel(): void; onSave(): void }) {
  return (
    <>
      <button className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button className="btn btn-primary" disabled={!canSave} onClick={onSave}>
        {saveLabel}
      </button>
    </>
  );
}

/** Confirms removing one record; the list reloads afterwards whether or not the removal succeeded. */
export function RemoveDialog({ title, remove, onClose, reload, children }: { title: string; remove(): Promise<unknown>; onClose(): void; reload(): unknown; children: ReactNode }) {
  return (
    <ConfirmDialog open title={title} confirmLabel="Remove" danger onOpenChange={(o) => !o && onClose()} onConfirm={() => void attempt('Removing', remove).then(reload)}>
      {children}
    </ConfirmDialog>
  );
}
