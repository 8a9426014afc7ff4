import { shell } from 'electron';

/** The only way the app opens anything outside itself: http(s) URLs in the system browser. */
export function openExternalSafely(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  void shell.openExternal(url.toString());
  return true;
}
