import type { QueryResult } from '../../../shared/contract/queries.ts';
import { VirtualTable, type Column } from './VirtualTable.tsx';

const cell = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Any query result in a virtualized grid: thousands of rows stay smooth. */
export function ResultGrid({ result, label }: { result: QueryResult; label: string }) {
  type Row = { r: unknown[]; i: number };
  const columns: Column<Row>[] = result.columns.map((c, i) => ({
    key: `${i}:${c.name}`,
    header: c.name,
    width: Math.min(360, Math.max(90, c.name.length * 9 + 24)),
    render: (row) => <span title={`${c.type}: ${cell(row.r[i])}`}>{cell(row.r[i])}</span>,
  }));
  const rows: Row[] = result.rows.map((r, i) => ({ r, i }));
  return (
    <div style={{ height: Math.min(480, 40 + result.rows.length * 28), display: 'flex', minHeight: 120 }}>
      <VirtualTable label={label} rows={rows} columns={columns} rowKey={(x) => String(x.i)} empty="No rows" />
    </div>
  );
}
