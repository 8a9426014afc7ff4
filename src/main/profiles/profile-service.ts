import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { Profile, ProfileFields } from '../../shared/contract/profiles.ts';
import { OpsError } from '../../shared/errors.ts';
import type { Db } from '../store/database.ts';
import { PROFILE_SELECT_ENV, withEnvOverrides } from './profile-env.ts';

interface Row {
  id: string;
  name: string;
  config: string;
  active: number;
  created_at: string;
  updated_at: string;
}

type Fields = z.output<typeof ProfileFields>;

/**
 * Connection profiles: the non-secret half. Secrets are keyed by profile id in the keychain.
 * list/get/update see the stored values; active/ensureActive give the profile as this process
 * uses it: REPO_OPS_PROFILE picks it instead of the stored choice, and environment variables
 * (GITHUB_API_URL, OPENAI_BASE_URL, … see profile-env.ts) override its settings.
 */
export class ProfileService {
  /** Fires with the full list after every change, so every window shows the same profiles. */
  readonly events = new EventEmitter<{ changed: [Profile[]] }>();
  private readonly db: Db;
  readonly env: NodeJS.ProcessEnv;

  constructor(db: Db, env: NodeJS.ProcessEnv = {}) {
    this.db = db;
    this.env = env;
  }

  list(): Profile[] {
    return (this.db.prepare('SELECT * FROM profiles ORDER BY name').all() as Row[]).map(toProfile);
  }

  get(id: string): Profile {
    const row = this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new OpsError('not_found', `No profile with id ${id}`);
    return toProfile(row);
  }

  /** The profile REPO_OPS_PROFILE names, else the stored active one; without overrides. */
  storedActive(): Profile | null {
    const pick = this.env[PROFILE_SELECT_ENV]?.trim();
    if (pick) {
      const p = this.list().find((x) => x.id === pick || x.name.toLowerCase() === pick.toLowerCase());
      if (!p) throw new OpsError('not_found', `${PROFILE_SELECT_ENV}="${pick}" names no profile. Profiles: ${this.list().map((x) => x.name).join(', ') || 'none'}`);
      return p;
    }
    const row = this.db.prepare('SELECT * FROM profiles WHERE active = 1').get() as Row | undefined;
    return row ? toProfile(row) : null;
  }

  /** The active profile as this process uses it (environment overrides applied). */
  active(): Profile | null {
    const p = this.storedActive();
    return p ? withEnvOverrides(p, this.env) : null;
  }

  /** The active profile, created as "Default" on first use so secrets always have a home. */
  ensureActive(): Profile {
    return this.active() ?? withEnvOverrides(this.create(ProfileFields.parse({ name: 'Default', description: 'Created automatically' })), this.env);
  }

  create(fields: Fields): Profile {
    this.assertNameFree(fields.name);
    const now = new Date().toISOString();
    const id = randomUUID();
    const first = (this.db.prepare('SELECT COUNT(*) AS c FROM profiles').get() as { c: number }).c === 0;
    const { name, ...config } = fields;
    this.db.prepare('INSERT INTO profiles (id, name, config, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, name, JSON.stringify(config), first ? 1 : 0, now, now);
    this.changed();
    return this.get(id);
  }

  update(id: string, patch: Partial<Fields>): Profile {
    const current = this.get(id);
    if (patch.name && patch.name.toLowerCase() !== current.name.toLowerCase()) this.assertNameFree(patch.name);
    const { id: _id, active: _a, createdAt: _c, updatedAt: _u, ...fields } = current;
    const next = ProfileFields.parse({ ...fields, ...patch });
    const { name, ...config } = next;
    this.db.prepare('UPDATE profiles SET name = ?, config = ?, updated_at = ? WHERE id = ?').run(name, JSON.stringify(config), new Date().toISOString(), id);
    this.changed();
    return this.get(id);
  }

  delete(id: string): void {
    const p = this.get(id);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM profiles WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM secret_meta WHERE profile_id = ?').run(id);
      if (p.active) this.db.prepare('UPDATE profiles SET active = 1 WHERE id = (SELECT id FROM profiles ORDER BY created_at LIMIT 1)').run();
    })();
    this.changed();
  }

  activate(id: string): Profile {
    this.get(id);
    this.db.transaction(() => {
      this.db.prepare('UPDATE profiles SET active = 0 WHERE active = 1').run();
      this.db.prepare('UPDATE profiles SET active = 1 WHERE id = ?').run(id);
    })();
    this.changed();
    return this.get(id);
  }

  private changed(): void {
    if (this.events.listenerCount('changed')) this.events.emit('changed', this.list());
  }

  private assertNameFree(name: string): void {
    const row = this.db.prepare('SELECT id FROM profiles WHERE name = ? COLLATE NOCASE').get(name);
    if (row) throw new OpsError('conflict', `A profile named "${name}" already exists`);
  }
}

function toProfile(r: Row): Profile {
  const config = ProfileFields.omit({ name: true }).parse(JSON.parse(r.config));
  return Profile.parse({ ...config, id: r.id, name: r.name, active: r.active === 1, createdAt: r.created_at, updatedAt: r.updated_at });
}
