import { useEffect } from 'react';
import { useSearchParams } from 'react-router';

/**
 * `?focus=secrets` scrolls to the first section heading naming it and focuses it, so a
 * link in an error ("Settings → Secrets") lands on the fix, however the page is arranged.
 */
export function useFocusSection(): void {
  const [params] = useSearchParams();
  const focus = params.get('focus');
  useEffect(() => {
    if (!focus) return;
    let tries = 0;
    const find = () => {
      const heading = [...document.querySelectorAll<HTMLElement>('main h2, main h3')].find((h) => h.textContent?.toLowerCase().includes(focus));
      if (heading) {
        const section = heading.closest<HTMLElement>('section') ?? heading;
        section.scrollIntoView({ block: 'start' });
        section.setAttribute('data-focused', 'true');
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: true });
      } else if (tries++ < 20) setTimeout(find, 100);
    };
    find();
  }, [focus]);
}
