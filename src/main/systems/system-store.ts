import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { System, SystemFields } from '../../shared/contract/systems.ts';
import { OpsError } from '../../shared/errors.ts';
import type { Db } from '../store/database.ts';

interface Row {
  id: string;
  name: string;
  kind: string;
  config: string;
  secrets: string;
  created_at: string;
  updated_at: string;
}

/** The registered systems (SQLite). */
export class SystemStore {
  readonly events = new EventEmitter<{ changed: [System[]] }>();
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    this.events.setMaxListeners(0);
  }

  list(): System[] {
    return (this.db.prepare('SELECT * FROM systems ORDER BY name').all() as Row[]).map(toSystem);
  }

  get(id: string): System {
    const row = this.db.prepare('SELECT * FROM systems WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new OpsError('not_found', `No system with id ${id}`);
    return toSystem(row);
  }

  /** By id or (case-insensitive) name, for the CLI. */
  find(idOrName: string): System {
    const row = this.db.prepare('SELECT * FROM systems WHERE id = ? OR name = ? COLLATE NOCASE').get(idOrName, idOrName) as Row | undefined;
    if (!row) throw new OpsError('not_found', `No system named "${idOrName}" (registered: ${this.list().map((s) => s.name).join(', ') || 'none'})`);
    return toSystem(row);
  }

  create(fields: SystemFields): System {
    const parsed = SystemFields.parse(fields);
    this.assertNameFree(parsed.name);
    const id = randomUUID();
    const now = new Date().toISOString();
    const { name, kind, ...config } = parsed;
    this.db.prepare('INSERT INTO systems (id, name, kind, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, name, kind, JSON.stringify(config), now, now);
    this.changed();
    return this.get(id);
  }

  update(id: string, patch: Partial<SystemFields>): System {
    const current = this.get(id);
    const { id: _i, secrets: _s, createdAt: _c, updatedAt: _u, ...fields } = current;
    const next = SystemFields.parse({ ...fields, ...patch });
    if (next.name.toLowerCase() !== current.name.toLowerCase()) this.assertNameFree(next.name);
    const { name, kind, ...config } = next;
    this.db.prepare('UPDATE systems SET name = ?, kind = ?, config = ?, updated_at = ? WHERE id = ?').run(name, kind, JSON.stringify(config), new Date().toISOString(), id);
    this.changed();
    return this.get(id);
  }

  setSecretNames(id: string, names: string[]): System {
    this.db.prepare('UPDATE systems SET secrets = ?, updated_at = ? WHERE id = ?').run(JSON.stringify([...new Set(names)].sort()), new Date().toISOString(), id);
    this.changed();
    return this.get(id);
  }

  delete(id: string): void {
    this.get(id);
    this.db.prepare('DELETE FROM systems WHERE id = ?').run(id);
    this.db.prepare('DELETE FROM system_health WHERE system_id = ?').run(id);
    this.changed();
  }

  private assertNameFree(name: string): void {
    if (this.db.prepare('SELECT 1 FROM systems WHERE name = ? COLLATE NOCASE').get(name)) throw new OpsError('conflict', `A system named "${name}" exists already`, { field: 'name' });
  }

  private changed(): void {
    this.events.emit('changed', this.list());
  }
}

function toSystem(r: Row): System {
  const config = JSON.parse(r.config) as Record<string, unknown>;
  return System.parse({ ...SystemFields.parse({ ...config, name: r.name, kind: r.kind }), id: r.id, secrets: JSON.parse(r.secrets) as string[], createdAt: r.created_at, updatedAt: r.updated_at });
}
