import { useMemo, useState } from 'react';
import type { QueryResult } from '../../../shared/contract/queries.ts';
import { VirtualTable, type Column } from './VirtualTable.tsx';

const cell = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const NUMERIC = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** Numbers (also bigint/numeric sent as text) numerically, text by locale, NULLs last either way. */
export function compareCells(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  const na = typeof a === 'number' ? a : typeof a === 'string' && NUMERIC.test(a) ? Number(a) : NaN;
  const nb = typeof b === 'number' ? b : typeof b === 'string' && NUMERIC.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return cell(a).localeCompare(cell(b), undefined, { numeric: true });
}

/** Any query result in a virtualized grid: sortable (click a header), resizable columns; thousands of rows stay smooth. */
export function ResultGrid({ result, label }: { result: QueryResult; label: string }) {
  type Row = { r: unknown[]; i: number };
  const [sort, setSort] = useState<{ key: string; dir: 'asc' | 'desc' } | undefined>(undefined);
  const [selected, setSelected] = useState<string | null>(null);
  const columns: Column<Row>[] = result.columns.map((c, i) => ({
    key: `${i}:${c.name}`,
    header: c.name,
    // Wide enough for the header and the first rows' values (no "PRs 4(" cut-offs), at most 360 px; resizable beyond.
    width: Math.min(360, Math.max(72, c.name.length * 8 + 36, ...result.rows.slice(0, 100).map((r) => cell(r[i]).length * 7.5 + 20))),
    render: (row) => <span title={`${c.type}: ${cell(row.r[i])}`}>{cell(row.r[i])}</span>,
  }));
  const rows = useMemo(() => {
    const all: Row[] = result.rows.map((r, i) => ({ r, i }));
    if (!sort) return all;
    const col = Number(sort.key.slice(0, sort.key.indexOf(':')));
    const sign = sort.dir === 'asc' ? 1 : -1;
    // NULLs stay last in both directions; ties keep the query's order.
    return all.sort((x, y) => {
      const a = x.r[col];
      const b = y.r[col];
      const nulls = (a === null || a === undefined ? 1 : 0) - (b === null || b === undefined ? 1 : 0);
      return nulls || sign * compareCells(a, b) || x.i - y.i;
    });
  }, [result, sort]);
  const onSort = (key: string) => setSort((s) => (s?.key !== key ? { key, dir: 'asc' } : s.dir === 'asc' ? { key, dir: 'desc' } : undefined));
  return (
    <div style={{ height: Math.min(480, 40 + result.rows.length * 28), display: 'flex', minHeight: 120, minWidth: 0, maxWidth: '100%' }}>
      <VirtualTable label={label} rows={rows} columns={columns} rowKey={(x) => String(x.i)} selected={selected} onSelect={setSelected} empty="No rows" sort={sort} onSort={onSort} resizable />
    </div>
  );
}
