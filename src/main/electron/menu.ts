import { Menu, type MenuItemConstructorOptions } from 'electron';
import { openExternalSafely } from './external-links.ts';

export function installMenu(): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Electron security checklist', click: () => openExternalSafely('https://www.electronjs.org/docs/latest/tutorial/security') }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
