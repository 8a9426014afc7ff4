// Operators' own verification queries, kept in the local store and run through the same
// read-only executor as the catalogue.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import type { Db } from '../store/database.ts';
import type { MigrationSet } from '../store/migrations.ts';
import { validateDeclaredParams } from './params.ts';
import { runDeclared } from './run-query.ts';
import { checkSavedQuerySql } from './sql-guard.ts';
import { placeholders } from './sql-scan.ts';
import type { QueryParam, QueryResult, RunOptions } from './types.ts';

export const savedQueryStoreMigrations: MigrationSet = {
  feature: 'queries',
  migrations: [
    {
      version: 1,
      name: 'saved verification queries',
      sql: `
        CREATE TABLE saved_queries (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          description TEXT NOT NULL DEFAULT '',
          sql TEXT NOT NULL,
          params TEXT NOT NULL DEFAULT '[]',
          timeout_ms INTEGER,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
      `,
    },
  ],
};

export interface SavedQuery {
  id: string;
  name: string;
  description: string;
  sql: string;
  params: QueryParam[];
  /** Statement timeout for this query; null = the executor's default (2 s). */
  timeoutMs: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface SavedQueryFields {
  name: string;
  description?: string;
  sql: string;
  params?: QueryParam[];
  timeoutMs?: number | null;
}

interface Row {
  id: string;
  name: string;
  description: string;
  sql: string;
  params: string;
  timeout_ms: number | null;
  created_at: string;
  updated_at: string;
}

const MAX_SQL = 100_000;

function toSaved(r: Row): SavedQuery {
  let params: QueryParam[];
  try {
    params = JSON.parse(r.params) as QueryParam[];
  } catch {
    throw new OpsError('internal', `Saved query "${r.name}" has unreadable parameters in the local store.`);
  }
  return { id: r.id, name: r.name, description: r.description, sql: r.sql, params, timeoutMs: r.timeout_ms, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Normalizes and checks fields; throws invalid_input naming the field. */
export function validateSavedQuery(fields: SavedQueryFields): Required<SavedQueryFields> {
  if (!fields || typeof fields !== 'object') throw new OpsError('invalid_input', 'A saved query needs a name and SQL.');
  const name = typeof fields.name === 'string' ? fields.name.trim() : '';
  if (!name) throw new OpsError('invalid_input', 'The saved query needs a name.');
  if (name.length > 120) throw new OpsError('invalid_input', 'The name of a saved query is at most 120 characters.');
  const description = fields.description ?? '';
  if (typeof description !== 'string' || description.length > 2000) throw new OpsError('invalid_input', 'The description is text of at most 2,000 characters.');
  const sql = typeof fields.sql === 'string' ? fields.sql.trim() : '';
  if (!sql) throw new OpsError('invalid_input', `Saved query "${name}" needs SQL.`);
  if (sql.length > MAX_SQL) throw new OpsError('invalid_input', `The SQL of "${name}" is longer than ${MAX_SQL.toLocaleString('en-US')} characters.`);
  // Refuse at save time what can never run (several statements, transaction control, …).
  checkSavedQuerySql(sql);
  const params = (fields.params ?? []).map((p) => ({ ...p }));
  validateDeclaredParams(params, placeholders(sql));
  const timeoutMs = fields.timeoutMs ?? null;
  if (timeoutMs !== null && (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000)) {
    throw new OpsError('invalid_input', `The timeout of "${name}" must be a whole number of milliseconds from 1 to 600,000.`);
  }
  return { name, description, sql, params, timeoutMs };
}

export class SavedQueryService {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  list(): SavedQuery[] {
    return (this.db.prepare('SELECT * FROM saved_queries ORDER BY name').all() as Row[]).map(toSaved);
  }

  get(id: string): SavedQuery {
    const row = this.db.prepare('SELECT * FROM saved_queries WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new OpsError('not_found', `No saved query with id ${id}.`);
    return toSaved(row);
  }

  create(fields: SavedQueryFields): SavedQuery {
    const f = validateSavedQuery(fields);
    this.assertNameFree(f.name);
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db
      .prepare('INSERT INTO saved_queries (id, name, description, sql, params, timeout_ms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, f.name, f.description, f.sql, JSON.stringify(f.params), f.timeoutMs, now, now);
    return this.get(id);
  }

  update(id: string, patch: Partial<SavedQueryFields>): SavedQuery {
    const current = this.get(id);
    const f = validateSavedQuery({ ...current, ...patch });
    if (f.name.toLowerCase() !== current.name.toLowerCase()) this.assertNameFree(f.name);
    this.db
      .prepare('UPDATE saved_queries SET name = ?, description = ?, sql = ?, params = ?, timeout_ms = ?, updated_at = ? WHERE id = ?')
      .run(f.name, f.description, f.sql, JSON.stringify(f.params), f.timeoutMs, new Date().toISOString(), id);
    return this.get(id);
  }

  delete(id: string): void {
    if (this.db.prepare('DELETE FROM saved_queries WHERE id = ?').run(id).changes === 0) throw new OpsError('not_found', `No saved query with id ${id}.`);
  }

  /** Runs a saved query read-only with named parameter values. */
  async run(pool: pg.Pool, id: string, values: Record<string, unknown> = {}, opts: RunOptions = {}): Promise<QueryResult> {
    const q = this.get(id);
    return runDeclared(pool, { title: q.name, sql: q.sql, params: q.params, timeoutMs: q.timeoutMs ?? undefined }, values, { ...opts, operator: true });
  }

  private assertNameFree(name: string): void {
    if (this.db.prepare('SELECT 1 FROM saved_queries WHERE name = ?').get(name)) throw new OpsError('conflict', `A saved query named "${name}" already exists.`);
  }
}
