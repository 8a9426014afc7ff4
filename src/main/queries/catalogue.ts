// The verification query catalogue: every SQL check from the runbooks in docs/runbooks
// that applies to this warehouse, grouped, with its source, and how to run one.
import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import { activityQueries } from './catalogue-activity.ts';
import { coverageQueries } from './catalogue-coverage.ts';
import { databaseQueries } from './catalogue-database.ts';
import { embeddingQueries } from './catalogue-embeddings.ts';
import { etlQueries } from './catalogue-etl.ts';
import { qualityQueries } from './catalogue-quality.ts';
import { storageQueries } from './catalogue-storage.ts';
import { syncQueries } from './catalogue-sync.ts';
import { extensionStatus } from './pg-stat-statements.ts';
import { PG_STAT_STATEMENTS_HINT } from './query-errors.ts';
import { runDeclared } from './run-query.ts';
import { QUERY_GROUPS, type CatalogueQuery, type QueryGroup, type QueryResult, type RunOptions } from './types.ts';

const order = (g: QueryGroup) => QUERY_GROUPS.indexOf(g);

export const catalogue: readonly CatalogueQuery[] = Object.freeze(
  [...coverageQueries, ...embeddingQueries, ...activityQueries, ...syncQueries, ...qualityQueries, ...etlQueries, ...databaseQueries, ...storageQueries]
    .map((q, i) => ({ q, i }))
    .sort((a, b) => order(a.q.group) - order(b.q.group) || a.i - b.i)
    .map(({ q }) => q),
);

const byId = new Map(catalogue.map((q) => [q.id, q]));
if (byId.size !== catalogue.length) throw new Error('duplicate catalogue query id');

export function getCatalogueQuery(id: string): CatalogueQuery {
  const q = byId.get(id);
  if (!q) throw new OpsError('not_found', `No verification query "${id}". Known: ${catalogue.map((c) => c.id).join(', ')}.`);
  return q;
}

export function catalogueByGroup(): { group: QueryGroup; queries: CatalogueQuery[] }[] {
  return QUERY_GROUPS.map((group) => ({ group, queries: catalogue.filter((q) => q.group === group) })).filter((g) => g.queries.length > 0);
}

/**
 * Runs a catalogue query with named parameter values ({ repository: '<uuid>', … }).
 * Queries that need pg_stat_statements say so up front rather than failing on a missing view.
 */
export async function runCatalogueQuery(pool: pg.Pool, id: string, values: Record<string, unknown> = {}, opts: RunOptions = {}): Promise<QueryResult> {
  const q = getCatalogueQuery(id);
  if (q.needs === 'pg_stat_statements') {
    const status = await extensionStatus(pool);
    if (!status.usable) throw new OpsError('unavailable', `"${q.title}" needs pg_stat_statements: ${status.problem}. ${PG_STAT_STATEMENTS_HINT}`, { needs: q.needs, status });
  }
  return runDeclared(pool, q, values, opts);
}
