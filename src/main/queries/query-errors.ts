// Postgres errors from a verification query → messages that say which query and why.
import { OpsError } from '../../shared/errors.ts';
import { describePgError } from '../warehouse/pg-errors.ts';
import { describeWrite, lineAndColumn } from './sql-scan.ts';

interface PgError {
  code?: string;
  message?: string;
  position?: string;
  hint?: string;
}

export const PG_STAT_STATEMENTS_HINT =
  'Enable it from Repo Ops (it runs CREATE EXTENSION pg_stat_statements after you confirm), or on managed Postgres from the provider’s extensions page; the server also needs pg_stat_statements in shared_preload_libraries.';

export interface QueryErrorContext {
  sql: string;
  label: string;
  timeoutMs: number;
  url: string;
}

export function describeQueryError(e: unknown, ctx: QueryErrorContext): OpsError {
  if (e instanceof OpsError) return e;
  const err = (e ?? {}) as PgError;
  const msg = err.message ?? String(e);
  const name = `"${ctx.label}"`;
  const at = () => {
    if (!err.position) return '';
    const { line, column } = lineAndColumn(ctx.sql, Number(err.position));
    return ` (line ${line}, column ${column})`;
  };
  const details = { sqlstate: err.code };
  switch (err.code) {
    case '25006': {
      const verb = /cannot execute (.+) in a read-only transaction/.exec(msg)?.[1] ?? 'a write';
      return new OpsError('invalid_input', `This query tries to write (${describeWrite(ctx.sql, verb)}): verification queries run read-only.`, { ...details, reason: 'write' });
    }
    case '25001':
      return new OpsError('invalid_input', `${name} cannot run: ${msg}. Verification queries run inside a read-only transaction.`, { ...details, reason: 'write' });
    case '57014':
      if (/statement timeout/i.test(msg)) {
        return new OpsError('timeout', `${name} was stopped after ${ctx.timeoutMs.toLocaleString('en-US')} ms (its statement timeout). Narrow it (a shorter interval, fewer rows) or raise the limit.`, details);
      }
      return new OpsError('cancelled', `${name} was cancelled on the server (${msg}).`, details);
    case '42501':
      return new OpsError('unauthorized', `${name}: ${msg}. The Postgres user lacks the privilege; a member of pg_read_all_stats / pg_monitor sees all of it.`, details);
  }
  if (/pg_stat_statements/.test(msg)) {
    const what = /shared_preload_libraries/.test(msg) ? 'pg_stat_statements is installed but not loaded (shared_preload_libraries)' : 'the pg_stat_statements extension is not installed in this database';
    return new OpsError('unavailable', `${name} needs pg_stat_statements: ${what}. ${PG_STAT_STATEMENTS_HINT}`, details);
  }
  // Syntax, unknown columns, bad casts, unsupported features: the query's own fault.
  if (err.code && /^(42|22|0A|21|2F|38|39|44)/.test(err.code)) {
    return new OpsError('invalid_input', `${name}: ${msg}${at()}${err.hint ? `. Hint: ${err.hint}` : ''}`, details);
  }
  const mapped = describePgError(e, ctx.url);
  return mapped.code === 'internal' ? new OpsError('internal', `${name}: ${msg}`, details) : mapped;
}
