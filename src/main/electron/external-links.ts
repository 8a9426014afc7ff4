import { shell } from 'electron';
import { externalUrl } from './url-policy.ts';

let serviceHosts: string[] = [];

/** The core tells the shell which service hosts the profiles configure (see core-host.ts). */
export function setServiceHosts(hosts: string[]): void {
  serviceHosts = hosts.filter((h) => typeof h === 'string');
}

/** The only way the app opens anything outside itself: allow-listed https URLs, in the system browser. */
export function openExternalSafely(raw: string): boolean {
  const url = externalUrl(raw, serviceHosts);
  if (!url) return false;
  void shell.openExternal(url);
  return true;
}
