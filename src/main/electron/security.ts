import { app, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { openExternalSafely } from './external-links.ts';
import { isAppUrl, navigationAllowed, type RendererOrigin } from './url-policy.ts';

/** Exactly our own renderer: the built index.html, or the dev server in unpackaged builds. */
export const rendererOrigin: RendererOrigin = {
  indexFile: join(import.meta.dirname, '../renderer/index.html'),
  ...(!app.isPackaged && process.env.ELECTRON_RENDERER_URL ? { devServerUrl: process.env.ELECTRON_RENDERER_URL } : {}),
};

export const isTrustedUrl = (url: string) => isAppUrl(url, rendererOrigin);

/** Electron security checklist: no navigation, no new windows, no permissions, external links vetted. */
export function hardenApp(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!navigationAllowed(url, rendererOrigin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!navigationAllowed(url, rendererOrigin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openExternalSafely(url);
      return { action: 'deny' };
    });
    // Packaged builds have no DevTools at all (no menu entry either: menu.ts).
    if (app.isPackaged) contents.on('devtools-opened', () => contents.closeDevTools());
  });
  app.whenReady().then(() => {
    // Desktop notifications (health changes) are the one permission the console uses.
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'notifications'));
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => permission === 'notifications');
  });
}
