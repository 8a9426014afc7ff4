// RFC 4180 CSV of a query result: CRLF line ends, fields quoted when they hold a comma,
// quote, CR or LF, quotes doubled. NULL is an empty unquoted field and the empty string
// is "" (as PostgreSQL's COPY … CSV writes them); arrays and objects are JSON.
import type { QueryResult } from './types.ts';

export interface CsvOptions {
  /** Header row with the column names (default true). */
  header?: boolean;
  /** Prefix a UTF-8 byte-order mark so Excel reads UTF-8 (default false). */
  bom?: boolean;
  /**
   * Prefix cells starting with = + - @ (and tab/CR) with an apostrophe so spreadsheets
   * do not run them as formulas — PR titles come from the internet (default false).
   */
  neutralizeFormulas?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

export function csvField(v: unknown, opts: CsvOptions = {}): string {
  let s = text(v);
  if (s === null) return '';
  if (opts.neutralizeFormulas && typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return s === '' || NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(result: Pick<QueryResult, 'columns' | 'rows'>, opts: CsvOptions = {}): string {
  const lines: string[] = [];
  if (opts.header ?? true) lines.push(result.columns.map((c) => csvField(c.name)).join(','));
  for (const row of result.rows) lines.push(result.columns.map((_, i) => csvField(row[i], opts)).join(','));
  return (opts.bom ? '\uFEFF' : '') + lines.map((l) => `${l}\r\n`).join('');
}
