import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent, type ReactNode } from 'react';
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
  /** Columns can be resized by dragging a header's right edge (or focusing it and pressing ←/→). */
  resizable?: boolean;
}

const MIN_COL = 48;

/** A keyboard-navigable virtualized table: only visible rows are in the DOM. */
export function VirtualTable<T>({ rows, columns, rowKey, selected, onSelect, onOpen, label, empty, rowHeight = 28, onNearEnd, sort, onSort, resizable = false }: Props<T>) {
  const parent = useRef<HTMLDivElement>(null);
  const [widths, setWidths] = useState<Record<string, number>>({});
  const widthOf = (c: Column<T>) => widths[c.key] ?? (c.grow ? undefined : c.width);
  const growing = (c: Column<T>) => c.grow && widths[c.key] === undefined;
  const resize = (key: string, w: number) => setWidths((ws) => ({ ...ws, [key]: Math.max(MIN_COL, Math.round(w)) }));
  // A column is never narrower than its header (with the sort arrow): measured, since fonts differ per machine.
  const head = useRef<HTMLDivElement>(null);
  const [headMin, setHeadMin] = useState<Record<string, number>>({});
  const minOf = (c: Column<T>) => Math.max(c.minWidth ?? 0, headMin[c.key] ?? 0) || undefined;
  const headerKey = `${columns.map((c) => `${c.key}=${c.header}`).join('|')}|${sort?.key}:${sort?.dir}`;
  useLayoutEffect(() => {
    const grow: Record<string, number> = {};
    for (const el of head.current?.querySelectorAll<HTMLElement>('[data-col]') ?? []) {
      if (el.scrollWidth > el.clientWidth + 1) grow[el.dataset.col!] = el.scrollWidth + 1;
    }
    if (Object.keys(grow).length) setHeadMin((m) => ({ ...m, ...grow }));
  }, [headerKey]);
  const totalWidth = columns.reduce((sum, c) => sum + Math.max(widthOf(c) ?? 0, minOf(c) ?? 0), 0);
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
      <div className="vtable-head" role="row" ref={head}>
        {columns.map((c) => (
          <div
            key={c.key}
            role="columnheader"
            aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
            className={`cell${growing(c) ? ' cell-grow' : ''}`}
            title={c.header}
            data-col={c.key}
            style={{ width: widthOf(c), minWidth: minOf(c), lineHeight: '26px', position: 'relative' }}
          >
            {onSort ? (
              <button className="th-sort" onClick={() => onSort(c.key)}>
                {c.header}
                {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            ) : (
              c.header
            )}
            {resizable && <ResizeHandle header={c.header} width={widthOf(c)} onResize={(w) => resize(c.key, w)} />}
          </div>
        ))}
      </div>
      {!rows.length && <div className="empty">{empty ?? 'Nothing to show'}</div>}
      <div style={{ height: v.getTotalSize(), position: 'relative', minWidth: totalWidth }}>
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
                <div key={c.key} role="gridcell" className={`cell${growing(c) ? ' cell-grow' : ''}`} style={{ width: widthOf(c), minWidth: minOf(c) }}>
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

/** The right edge of a header: drag it, or focus it and press ←/→ (Shift for bigger steps). */
function ResizeHandle({ header, width, onResize }: { header: string; width: number | undefined; onResize(w: number): void }) {
  const start = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.stopPropagation();
    const cell = e.currentTarget.parentElement!;
    const from = cell.getBoundingClientRect().width;
    const x0 = e.clientX;
    const move = (m: globalThis.PointerEvent) => onResize(from + m.clientX - x0);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${header}`}
      aria-valuenow={width}
      tabIndex={0}
      className="col-resize"
      onPointerDown={start}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        e.stopPropagation();
        const current = width ?? e.currentTarget.parentElement!.getBoundingClientRect().width;
        onResize(current + (e.key === 'ArrowRight' ? 1 : -1) * (e.shiftKey ? 64 : 16));
      }}
    />
  );
}
