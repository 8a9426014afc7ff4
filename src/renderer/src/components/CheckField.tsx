import { Checkbox } from 'radix-ui';

/** A labelled Radix checkbox (the console's one checkbox look). */
export function CheckField({ label, checked, onChange, disabled }: { label: string; checked: boolean; onChange(v: boolean): void; disabled?: boolean }) {
  return (
    <label className="row" style={{ gap: 6 }}>
      <Checkbox.Root className="btn btn-sm" checked={checked} disabled={disabled} onCheckedChange={(v) => onChange(v === true)} aria-label={label} style={{ width: 18, height: 18, padding: 0, justifyContent: 'center' }}>
        <Checkbox.Indicator>✓</Checkbox.Indicator>
      </Checkbox.Root>
      {label}
    </label>
  );
}
