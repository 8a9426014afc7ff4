// The console's access token in a browser: it arrives in the URL fragment (never sent to
// any server), moves to this tab's sessionStorage (per origin: other loopback ports cannot
// read it) and leaves the address bar at once.
const KEY = 'repo-ops.token';

export function takeSessionToken(): string | null {
  const m = /^#token=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, m[1]!);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  return sessionStorage.getItem(KEY);
}

/**
 * The printed URL pasted into a tab that is already open only changes the fragment (no page
 * load): take the new token and start over with it.
 */
export function watchForNewToken(): void {
  // popstate comes first, and this listener is registered before the router's (which would
  // redirect the unknown "#token=…" route away).
  const check = () => {
    if (/^#token=[A-Za-z0-9_-]+$/.test(location.hash)) {
      takeSessionToken();
      location.reload();
    }
  };
  window.addEventListener('popstate', check);
  window.addEventListener('hashchange', check);
}
