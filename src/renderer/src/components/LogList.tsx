import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { listMoveFor } from './list-keys.ts';

interface Props {
  count: number;
  renderRow(index: number): ReactNode;
  label: string;
  follow: boolean;
  onFollowChange?(follow: boolean): void;
  /** Visible window changed: load what is missing. */
  onRangeChange?(start: number, end: number): void;
  onNearTop?(): void;
  selected: number | null;
  onSelect(index: number): void;
  /** Enter on the selected row (e.g. open its context). */
  onActivate?(index: number): void;
  /** Scroll this row into the middle of the view (once per change of the value). */
  scrollTo?: number | null;
  /** Rows added at the top since last render (keeps the view steady). */
  prepended?: number;
  empty?: ReactNode;
}

const ROW = 20;

/** Virtualized log lines, oldest at the top; follow mode sticks to the bottom like `tail -f`. */
export function LogList({ count, renderRow, label, follow, onFollowChange, onRangeChange, onNearTop, selected, onSelect, onActivate, scrollTo = null, prepended = 0, empty }: Props) {
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read fresh each render on purpose
  const v = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 30 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (count) onRangeChange?.(first, last);
  }, [first, last, count, onRangeChange]);

  useEffect(() => {
    if (follow && count) v.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, v]);

  useEffect(() => {
    if (scrollTo !== null && scrollTo < count) v.scrollToIndex(scrollTo, { align: 'center' });
  }, [scrollTo, count > (scrollTo ?? 0), v]); // eslint-disable-line react-hooks/exhaustive-deps -- once the row exists, not on every growth

  useLayoutEffect(() => {
    if (prepended && parent.current) parent.current.scrollTop += prepended * ROW;
  }, [prepended]);

  const move = (delta: number) => {
    if (!count) return;
    const next = Math.max(0, Math.min(count - 1, (selected ?? (delta > 0 ? -1 : count)) + delta));
    onSelect(next);
    v.scrollToIndex(next, { align: 'auto' });
    if (delta < 0) onFollowChange?.(false);
  };

  return (
    <div
      ref={parent}
      className="vtable"
      role="log"
      aria-label={label}
      aria-live="off"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
        if (follow && !atBottom) onFollowChange?.(false);
        if (el.scrollTop < ROW * 10) onNearTop?.();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && selected !== null && onActivate) {
          e.preventDefault();
          onActivate(selected);
          return;
        }
        const delta = listMoveFor(e, count);
        if (delta === null) return;
        e.preventDefault();
        move(delta);
      }}
    >
      {!count && <div className="empty">{empty ?? 'No lines'}</div>}
      <div style={{ height: v.getTotalSize(), position: 'relative', minWidth: 'max-content', width: '100%' }}>
        {items.map((item) => (
          <div
            key={item.key}
            className="vrow log-line"
            role="row"
            aria-rowindex={item.index + 1}
            aria-selected={item.index === selected}
            style={{ top: item.start, height: ROW, paddingLeft: 6 }}
            onClick={() => onSelect(item.index)}
            onDoubleClick={() => onActivate?.(item.index)}
          >
            {renderRow(item.index)}
          </div>
        ))}
      </div>
    </div>
  );
}

/** Wraps occurrences of the search terms in <mark>. */
export function highlight(text: string, terms: string[]): ReactNode {
  const clean = terms.map((t) => t.trim()).filter(Boolean);
  if (!clean.length) return text;
  const re = new RegExp(`(${clean.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
  const parts = text.split(re);
  return parts.map((p, i) => (i % 2 ? <mark key={i}>{p}</mark> : p));
}

export function searchTerms(q: string): string[] {
  return (q.match(/"[^"]+"|\S+/g) ?? []).map((t) => t.replace(/^"|"$/g, ''));
}
