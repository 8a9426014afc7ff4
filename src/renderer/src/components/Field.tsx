import { useId, type InputHTMLAttributes } from 'react';

export function Field({ label, hint, error, ...input }: { label: string; hint?: string; error?: string | null } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="input" aria-invalid={error ? true : undefined} aria-describedby={hint || error ? `${id}-hint` : undefined} {...input} />
      {(error || hint) && (
        <span id={`${id}-hint`} className={error ? 'error' : 'hint'}>
          {error ?? hint}
        </span>
      )}
    </div>
  );
}
