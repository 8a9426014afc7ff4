// The Electron main process: a thin shell. Window, menu, single-instance lock,
// data directory and security settings; all real work runs in the core process.
import { app, BrowserWindow } from 'electron';
import { CoreHost } from './core-host.ts';
import { installMenu } from './menu.ts';
import { hardenApp } from './security.ts';
import { createMainWindow, registerIpc } from './window.ts';

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  if (process.env.REPO_OPS_HOME) app.setPath('userData', process.env.REPO_OPS_HOME);
  app.setName('Repo Ops');
  hardenApp();
  const core = new CoreHost(app.getPath('userData'));
  let win: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.whenReady().then(() => {
    installMenu();
    core.start();
    registerIpc(core);
    win = createMainWindow(core);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = createMainWindow(core);
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    void core.stop().finally(() => app.quit());
  });
}
