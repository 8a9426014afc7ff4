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
