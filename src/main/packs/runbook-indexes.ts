// The indexes a system's runbook recommends: a check that lists which are missing, and a confirmed
// action that builds one (CONCURRENTLY). Shared by the packs whose runbooks name indexes.
import { OpsError } from '../../shared/errors.ts';
import { quoteIdent } from '../warehouse/identifiers.ts';
import { outcome, textParam } from './outcome.ts';
import { shown } from './system-db.ts';
import type { PackAction, PackCheck, PackContext } from './types.ts';

export interface IndexSpec {
  name: string;
  table: string;
  /** Column names, each optionally followed by a direction ("total_score DESC"). */
  columns: string[];
}

export function indexesCheck(list: IndexSpec[]): PackCheck {
  return {
    id: 'indexes',
    title: "The runbook's indexes",
    needs: 'postgres',
    async run(ctx) {
      const db = await ctx.db();
      const sql = `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2)`;
      const have = new Set((await db.query<{ indexname: string }>(sql, [db.schema, list.map((i) => i.name)], ctx.signal)).map((r) => r.indexname));
      const rows = list.map((i) => ({ index: i.name, table: i.table, columns: i.columns.join(', '), present: have.has(i.name) }));
      const missing = rows.filter((r) => !r.present).length;
      return outcome(missing ? 'degraded' : 'healthy', missing ? `${missing} of ${list.length} recommended indexes missing` : 'All recommended indexes present', shown(sql, [db.schema, `{${list.map((i) => i.name).join(',')}}`]), rows);
    },
  };
}

export function createIndexAction(list: IndexSpec[]): PackAction {
  return {
    id: 'create-index',
    title: "Create one of the runbook's indexes (CONCURRENTLY)",
    description: list.map((i) => `${i.name} ON ${i.table}(${i.columns.join(', ')})`).join('; '),
    params: { index: list.map((i) => i.name).join(' | ') },
    destructive: false,
    plan: (ctx, params) => planIndex(ctx, list, textParam(params, 'index')),
  };
}

/** CREATE INDEX CONCURRENTLY IF NOT EXISTS for a listed index, on the system's own table. */
export async function planIndex(ctx: PackContext, list: IndexSpec[], name: string) {
  const spec = list.find((i) => i.name === name);
  if (!spec) throw new OpsError('invalid_input', `index: "${name}" is not one of ${list.map((i) => i.name).join(', ')}`, { field: 'index' });
  const db = await ctx.db();
  const cols = await db.table(spec.table, ctx.signal);
  const parts = spec.columns.map((c) => {
    const [col, dir] = c.split(' ');
    if (!cols.has(col!)) throw new OpsError('not_found', `Table "${spec.table}" has no column "${col}".`);
    return `${quoteIdent(col!)}${dir ? ` ${dir}` : ''}`;
  });
  const sql = `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(spec.name)} ON ${db.t(spec.table)} (${parts.join(', ')})`;
  return { operations: [sql], impact: `Builds an index on ${spec.table} without blocking writes`, execute: async () => (await db.write([{ sql }]), { summary: `Index ${spec.name} exists`, affected: null }) };
}
