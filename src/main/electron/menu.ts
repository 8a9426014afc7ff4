import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import { openExternalSafely } from './external-links.ts';
import { menuTemplate, type MenuItem } from './url-policy.ts';

const toElectron = (items: MenuItem[]): MenuItemConstructorOptions[] =>
  items.map(({ action, submenu, ...item }) => ({
    ...(item as MenuItemConstructorOptions),
    ...(submenu ? { submenu: toElectron(submenu) } : {}),
    ...(action === 'open-security-docs' ? { click: () => openExternalSafely('https://www.electronjs.org/docs/latest/tutorial/security') } : {}),
  }));

export function installMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectron(menuTemplate({ packaged: app.isPackaged, platform: process.platform }))));
}
