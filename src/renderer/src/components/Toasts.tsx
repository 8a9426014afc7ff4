import { Toast as RToast } from 'radix-ui';
import { useApp } from '../state/app-store.ts';
import { LinkedText } from './LinkedText.tsx';

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const dismiss = useApp((s) => s.dismiss);
  return (
    <RToast.Provider duration={6000}>
      {toasts.map((t) => (
        <RToast.Root key={t.id} className="toast" data-tone={t.tone} onOpenChange={(open) => !open && dismiss(t.id)}>
          <RToast.Title style={{ fontWeight: 600 }}>{t.title}</RToast.Title>
          {t.body && <RToast.Description className="muted" style={{ fontSize: 12 }}><LinkedText text={t.body} />
            </RToast.Description>}
        </RToast.Root>
      ))}
      <RToast.Viewport className="toast-viewport" />
    </RToast.Provider>
  );
}
