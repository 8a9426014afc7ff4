// The shell's URL decisions as pure functions (no electron import, so they are unit-tested in
// plain Node): which page is the app itself, where a window may navigate, what the system
// browser may be asked to open.
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Hosts links may always open in the system browser (https only): GitHub and the documentation the runbooks cite. */
export const DOCUMENTATION_HOSTS = ['github.com', 'docs.github.com', 'www.githubstatus.com', 'www.electronjs.org', 'platform.openai.com', 'status.openai.com', 'milvus.io', 'docs.zilliz.com', 'www.postgresql.org', 'redis.io', 'status.supabase.com'];

export interface RendererOrigin {
  /** Absolute path of the built renderer's index.html. */
  indexFile: string;
  /** The dev server (electron-vite dev), unpackaged builds only. */
  devServerUrl?: string;
}

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * Exactly the app's own page: its index.html (any #route), or the dev server's origin and
 * path — not any file:// page and not a host that merely starts with the dev server's.
 */
export function isAppUrl(raw: string, origin: RendererOrigin): boolean {
  const url = parse(raw);
  if (!url) return false;
  if (url.protocol === 'file:') {
    if (url.search || url.host) return false;
    try {
      return fileURLToPath(url) === fileURLToPath(pathToFileURL(origin.indexFile));
    } catch {
      return false;
    }
  }
  if (!origin.devServerUrl) return false;
  const dev = parse(origin.devServerUrl);
  if (!dev || (dev.protocol !== 'http:' && dev.protocol !== 'https:')) return false;
  return url.origin === dev.origin && url.username === '' && url.password === '' && (url.pathname === dev.pathname || url.pathname === '/' || url.pathname === '/index.html');
}

/** A window may only navigate within the app itself (route changes); everything else is refused. */
export const navigationAllowed = (raw: string, origin: RendererOrigin) => isAppUrl(raw, origin);

/**
 * The URL to hand to the system browser, or null: https only, to a host on the allow-list
 * (documentation, GitHub, and the hosts of the services configured in the profiles).
 */
export function externalUrl(raw: string, serviceHosts: readonly string[] = []): string | null {
  const url = parse(raw);
  if (!url || url.protocol !== 'https:' || url.username || url.password) return null;
  const host = url.hostname.toLowerCase();
  const allowed = new Set([...DOCUMENTATION_HOSTS, ...serviceHosts.map((h) => h.toLowerCase())]);
  return allowed.has(host) ? url.toString() : null;
}

export interface MenuItem {
  role?: string;
  label?: string;
  type?: 'separator';
  submenu?: MenuItem[];
  /** An action the shell wires up (menu.ts). */
  action?: 'open-security-docs';
}

/** The application menu: no DevTools entry in packaged builds. */
export function menuTemplate(opts: { packaged: boolean; platform: NodeJS.Platform }): MenuItem[] {
  const view: MenuItem[] = [
    ...(opts.packaged ? [] : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' as const }]),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(opts.platform === 'darwin' ? [{ role: 'appMenu' }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Electron security checklist', action: 'open-security-docs' }] },
  ];
}
