// A team system's own database, seen through two doors: every read runs in a READ ONLY
// transaction with a short statement timeout (so a check can never change anything), and
// writes happen only in `write`, which the pack calls for an action the operator confirmed.
import pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { describePgError } from '../warehouse/pg-errors.ts';
import { qualified, quoteIdent } from '../warehouse/identifiers.ts';

export interface Catalog {
  /** table (or view) name → its column names. */
  tables: Map<string, Set<string>>;
}

export class SystemDb {
  private catalogCache: Promise<Catalog> | null = null;
  readonly url: string;
  readonly schema: string;
  private readonly statementTimeoutMs: number;

  constructor(url: string, schema: string, statementTimeoutMs = 10_000) {
    this.url = url;
    this.schema = schema;
    this.statementTimeoutMs = statementTimeoutMs;
  }

  /** `"schema"."table"`. */
  t(table: string): string {
    return qualified(this.schema, table);
  }

  private async connect(signal?: AbortSignal): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'repo-ops (read-only)', connectionTimeoutMillis: 5_000, statement_timeout: this.statementTimeoutMs });
    client.on('error', () => {});
    const onAbort = () => void client.end().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect();
    } catch (e) {
      signal?.removeEventListener('abort', onAbort);
      throw describePgError(e, this.url);
    }
    return client;
  }

  /** Runs `fn` in one READ ONLY transaction, always rolled back. */
  async read<T>(fn: (q: <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const client = await this.connect(signal);
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      const q = async <R,>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[];
      return await fn(q);
    } catch (e) {
      throw e instanceof OpsError ? e : describePgError(e, this.url);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  query<R = Record<string, unknown>>(sql: string, params: unknown[] = [], signal?: AbortSignal): Promise<R[]> {
    return this.read((q) => q<R>(sql, params), signal);
  }

  /** Tables, views and their columns in the system's schema, read from the catalog. */
  catalog(signal?: AbortSignal): Promise<Catalog> {
    this.catalogCache ??= this.query<{ table_name: string; column_name: string | null }>(
      `SELECT c.relname AS table_name, a.attname AS column_name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'p')`,
      [this.schema],
      signal,
    )
      .then((rows) => {
        const tables = new Map<string, Set<string>>();
        for (const r of rows) {
          const cols = tables.get(r.table_name) ?? new Set<string>();
          if (r.column_name) cols.add(r.column_name);
          tables.set(r.table_name, cols);
        }
        return { tables };
      })
      .catch((e: unknown) => {
        this.catalogCache = null;
        throw e;
      });
    return this.catalogCache;
  }

  /** The table, or a clear error naming what the runbook expects. */
  async table(name: string, signal?: AbortSignal): Promise<Set<string>> {
    const cols = (await this.catalog(signal)).tables.get(name);
    if (!cols) throw new OpsError('not_found', `The system's database has no table "${name}" in schema "${this.schema}".`);
    return cols;
  }

  /** The first of `candidates` that the table has (column names differ between versions). */
  async column(table: string, candidates: string[], signal?: AbortSignal): Promise<string | null> {
    const cols = await this.table(table, signal);
    return candidates.find((c) => cols.has(c)) ?? null;
  }

  async requireColumn(table: string, candidates: string[], signal?: AbortSignal): Promise<string> {
    const c = await this.column(table, candidates, signal);
    if (!c) throw new OpsError('not_found', `Table "${table}" has none of the columns ${candidates.join(', ')}.`);
    return c;
  }

  /** For confirmed actions only: each statement on its own (VACUUM and CREATE INDEX CONCURRENTLY cannot run in a transaction). */
  async write(statements: { sql: string; params?: unknown[] }[]): Promise<number> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'repo-ops (confirmed action)', connectionTimeoutMillis: 5_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      let affected = 0;
      for (const s of statements) affected += (await client.query(s.sql, s.params ?? [])).rowCount ?? 0;
      return affected;
    } catch (e) {
      throw describePgError(e, this.url);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export { quoteIdent };

/** SQL text with its parameters written in, for the preview (values quoted as literals). */
export function shown(sql: string, params: unknown[] = []): string {
  return sql.replace(/\$(\d+)/g, (m, n: string) => {
    const v = params[Number(n) - 1];
    if (v === undefined) return m;
    if (v === null) return 'NULL';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  });
}
