import { EventEmitter } from 'node:events';
import { Settings, type SettingsPatch } from '../../shared/contract/settings.ts';
import type { z } from 'zod';
import type { Db } from '../store/database.ts';

/** Application settings, one JSON value per key, validated on the way in and out. */
export class SettingsService {
  readonly events = new EventEmitter<{ changed: [Settings] }>();
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const raw: Record<string, unknown> = {};
    for (const r of rows) {
      try {
        raw[r.key] = JSON.parse(r.value);
      } catch {
        // a corrupt value falls back to its default
      }
    }
    const parsed = Settings.safeParse(raw);
    return parsed.success ? parsed.data : Settings.parse({});
  }

  update(patch: z.output<typeof SettingsPatch>): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    const upsert = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) upsert.run(k, JSON.stringify((next as Record<string, unknown>)[k]));
    })();
    this.events.emit('changed', next);
    return next;
  }
}
