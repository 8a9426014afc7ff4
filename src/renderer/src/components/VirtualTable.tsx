import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';
import { listMoveFor } from './list-keys.ts';

export interface Column<T> {
  key: string;
  header: string;
  width?: number;
  grow?: boolean;
  /** For a growing column: it never shrinks below this. */
  minWidth?: number;
  render(row: T): ReactNode;
}

interface Props<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey(row: T): string;
  selected?: string | null;
  onSelect?(key: string): void;
  onOpen?(row: T): void;
  label: string;
  empty?: ReactNode;
  rowHeight?: number;
  /** Called when the user scrolls near the end (load more). */
  onNearEnd?(): void;
  /** Sortable headers: the current sort, and what clicking a header asks for. */
  sort?: { key: string; dir: 'asc' | 'desc' };
  onSort?(key: string): void;
}

/** A keyboard-navigable virtualized table: only visible rows are in the DOM. */
export function VirtualTable<T>({ rows, columns, rowKey, selected, onSelect, onOpen, label, empty, rowHeight = 28, onNearEnd, sort, onSort }: Props<T>) {
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read fresh each render on purpose
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => rowHeight, overscan: 12 });
  const index = selected ? rows.findIndex((r) => rowKey(r) === selected) : -1;
  const items = v.getVirtualItems();
  const lastVisible = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (onNearEnd && rows.length && lastVisible >= rows.length - 20) onNearEnd();
  }, [lastVisible, rows.length, onNearEnd]);

  const move = (delta: number) => {
    if (!rows.length || !onSelect) return;
    const next = Math.max(0, Math.min(rows.length - 1, (index < 0 ? -1 : index) + delta));
    onSelect(rowKey(rows[next]!));
    v.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div
      ref={parent}
      className="vtable"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length}
      tabIndex={0}
      onKeyDown={(e) => {
        const delta = listMoveFor(e, rows.length);
        if (delta !== null) {
          e.preventDefault();
          move(delta);
        } else if (e.key === 'Enter' && index >= 0) onOpen?.(rows[index]!);
      }}
    >
      <div className="vtable-head" role="row">
        {columns.map((c) => (
          <div
            key={c.key}
            role="columnheader"
            aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
            className={`cell${c.grow ? ' cell-grow' : ''}`}
            style={{ width: c.grow ? undefined : c.width, minWidth: c.minWidth, lineHeight: '26px' }}
          >
            {onSort ? (
              <button className="th-sort" onClick={() => onSort(c.key)}>
                {c.header}
                {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            ) : (
              c.header
            )}
          </div>
        ))}
      </div>
      {!rows.length && <div className="empty">{empty ?? 'Nothing to show'}</div>}
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          const key = rowKey(row);
          return (
            <div
              key={key}
              role="row"
              aria-rowindex={item.index + 1}
              aria-selected={key === selected}
              className="vrow"
              style={{ top: item.start, height: item.size }}
              onClick={() => onSelect?.(key)}
              onDoubleClick={() => onOpen?.(row)}
            >
              {columns.map((c) => (
                <div key={c.key} role="gridcell" className={`cell${c.grow ? ' cell-grow' : ''}`} style={{ width: c.grow ? undefined : c.width, minWidth: c.minWidth }}>
                  {c.render(row)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
