import { Switch } from 'radix-ui';

/** The "Follow" toggle of a log view (Radix switch): on, the view stays at the newest line. */
export function FollowSwitch({ follow, onChange, label }: { follow: boolean; onChange(follow: boolean): void; label: string }) {
  return (
    <label className="row" style={{ gap: 6 }}>
      <Switch.Root className="btn btn-sm" checked={follow} onCheckedChange={onChange} aria-label={label} style={{ width: 34, padding: 0, justifyContent: follow ? 'flex-end' : 'flex-start' }}>
        <Switch.Thumb style={{ display: 'block', width: 14, height: 14, borderRadius: 7, background: follow ? 'var(--accent)' : 'var(--text-faint)', margin: 3 }} />
      </Switch.Root>
      Follow
    </label>
  );
}
