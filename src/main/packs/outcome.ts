import { OpsError } from '../../shared/errors.ts';
import type { Status } from '../../shared/status.ts';
import type { CheckOutcome } from './types.ts';

type Cell = string | number | boolean | null;

/** Rows of objects → the check's table (dates as ISO text, bigints as numbers). */
export function tabulate(rows: Record<string, unknown>[], columns?: string[]): { columns: string[]; rows: Cell[][] } {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  return { columns: cols, rows: rows.map((r) => cols.map((c) => cell(r[c]))) };
}

export function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  return JSON.stringify(v);
}

export function outcome(status: Status, summary: string, source: string, rows: Record<string, unknown>[] = [], columns?: string[]): CheckOutcome {
  return { status, summary, source, ...tabulate(rows, columns) };
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A required parameter, as text. */
export function textParam(params: Record<string, unknown>, name: string): string {
  const v = params[name];
  if (typeof v !== 'string' && typeof v !== 'number') throw new ParamError(name, 'is required');
  const s = String(v).trim();
  if (!s) throw new ParamError(name, 'is required');
  return s;
}

export function intParam(params: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = params[name] ?? fallback;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n < min || n > max) throw new ParamError(name, `must be a whole number from ${min} to ${max}`);
  return n;
}

export class ParamError extends OpsError {
  constructor(name: string, problem: string) {
    super('invalid_input', `${name}: ${problem}`, { field: name });
  }
}
