import type { HandlerGroup } from '../rpc/types.ts';
import type { Db } from '../store/database.ts';

/** UI state lives in the settings table under a `ui.` prefix (not part of the typed settings). */
export function uiStateHandlers(db: Db): HandlerGroup<'ui'> {
  return {
    'ui.getState': ({ key }) => {
      const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(`ui.${key}`) as { value: string } | undefined;
      return { value: row ? (JSON.parse(row.value) as unknown) : null };
    },
    'ui.setState': ({ key, value }) => {
      if (value === null || value === undefined) db.prepare('DELETE FROM settings WHERE key = ?').run(`ui.${key}`);
      else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(`ui.${key}`, JSON.stringify(value));
      return { ok: true as const };
    },
  };
}
