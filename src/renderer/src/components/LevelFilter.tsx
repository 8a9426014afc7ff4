import { ToggleGroup } from 'radix-ui';

export function LevelFilter<L extends string>({ levels, value, onChange }: { levels: readonly L[]; value: L[]; onChange(v: L[]): void }) {
  return (
    <ToggleGroup.Root type="multiple" className="toggle-group" aria-label="Log levels" value={value} onValueChange={(v) => onChange(v as L[])}>
      {levels.map((l) => (
        <ToggleGroup.Item key={l} value={l} aria-label={`${l} level`} className={`lvl-${l}`}>
          {l}
        </ToggleGroup.Item>
      ))}
    </ToggleGroup.Root>
  );
}
