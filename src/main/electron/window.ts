import { app, BrowserWindow, ipcMain, nativeTheme } from 'electron';
import { join } from 'node:path';
import type { CoreHost } from './core-host.ts';
import { isTrustedUrl, rendererOrigin } from './security.ts';

export function createMainWindow(core: CoreHost): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Repo Ops',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#111418' : '#f7f8fa',
    icon: join(import.meta.dirname, '../../resources/icon.png'),
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-finish-load', () => core.connect(win.webContents));
  if (rendererOrigin.devServerUrl) void win.loadURL(rendererOrigin.devServerUrl);
  else void win.loadFile(rendererOrigin.indexFile);
  return win;
}

/** The preload may ask again for a port (after a reload); only our own frames are answered. */
export function registerIpc(core: CoreHost): void {
  ipcMain.on('ops:request-port', (event) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isTrustedUrl(frameUrl) || event.senderFrame !== event.sender.mainFrame) return;
    core.connect(event.sender);
  });
}
