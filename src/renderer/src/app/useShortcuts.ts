import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { ROUTES } from './routes.tsx';

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** Global keys: Ctrl/Cmd+K palette, `g <key>` to go to a page, 1…9 (or Alt+1…9) as the sidebar shows, `/` to search, `?` for help. */
export function useShortcuts(openPalette: () => void, openHelp: () => void): void {
  const navigate = useNavigate();
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        openPalette();
        return;
      }
      if (e.altKey && /^[1-9]$/.test(e.key)) {
        e.preventDefault();
        navigate(ROUTES[Number(e.key) - 1]!.path);
        return;
      }
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (/^[1-9]$/.test(e.key) && !(pendingG && Date.now() - pendingG < 1500)) {
        // The sidebar's badges: a bare digit goes to that page (outside text fields).
        e.preventDefault();
        navigate(ROUTES[Number(e.key) - 1]!.path);
        return;
      }
      if (e.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-page-search]');
        if (search) {
          e.preventDefault();
          search.focus();
          search.select();
        }
      } else if (e.key === '?') openHelp();
      else if (e.key === 'g') pendingG = Date.now();
      else if (pendingG && Date.now() - pendingG < 1500) {
        const r = ROUTES.find((x) => x.key === e.key);
        pendingG = 0;
        if (r) navigate(r.path);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, openPalette, openHelp]);
}
