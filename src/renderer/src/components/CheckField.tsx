import { Checkbox } from 'radix-ui';

/** A labelled Radix checkbox (the console's one checkbox look). */
/** `setting`: the application setting it edits (data-setting, read by the settings tests). */
export function CheckField({ label, checked, onChange, disabled, setting }: { label: string; checked: boolean; onChange(v: boolean): void; disabled?: boolean; setting?: string }) {
  return (
    <label className="row" style={{ gap: 6 }}>
      <Checkbox.Root className="btn btn-sm" checked={checked} disabled={disabled} onCheckedChange={(v) => onChange(v === true)} aria-label={label} data-setting={setting} style={{ width: 18, height: 18, padding: 0, justifyContent: 'center' }}>
        <Checkbox.Indicator>✓</Checkbox.Indicator>
      </Checkbox.Root>
      {label}
    </label>
  );
}
