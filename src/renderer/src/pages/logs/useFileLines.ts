import { useCallback, useEffect, useRef, useState } from 'react';
import type { FileLevel, FileLine } from '../../../../shared/contract/log-files.ts';
import { ops } from '../../client/ops.ts';

const PAGE = 500;

interface Page {
  lines: FileLine[];
  /** File line count when fetched: a short page is stale once the file has grown. */
  atLineCount: number;
}

/**
 * Lines of an opened file, fetched page by page for the visible window only. With a
 * search query the rows are the matches, fetched in order as you scroll. Mount it with
 * a React key per (file, levels, query): a new filter starts from a clean state.
 */
export function useFileLines(fileId: string, lineCount: number, levels: FileLevel[], query: string) {
  const pages = useRef(new Map<number, Page>());
  const inflight = useRef(new Set<number>());
  const [filteredTotal, setFilteredTotal] = useState<number | null>(null);
  const [, setVersion] = useState(0);
  const [matches, setMatches] = useState<FileLine[]>([]);
  const [searchDone, setSearchDone] = useState(!query);
  const nextLine = useRef<number | null>(0);
  const searching = useRef(false);
  const levelFilter = levels.length ? levels : undefined;

  const fetchPage = useCallback(
    (p: number) => {
      const cached = pages.current.get(p);
      const fresh = cached && (cached.lines.length === PAGE || cached.atLineCount === lineCount);
      if (fresh || inflight.current.has(p)) return;
      inflight.current.add(p);
      void ops.logFiles
        .lines({ fileId, start: p * PAGE, count: PAGE, levels: levelFilter })
        .then((r) => {
          pages.current.set(p, { lines: r.lines, atLineCount: lineCount });
          if (levelFilter) setFilteredTotal(r.total);
          setVersion((v) => v + 1);
        })
        .finally(() => inflight.current.delete(p));
    },
    [fileId, lineCount, levelFilter],
  );

  const searchMore = useCallback(() => {
    if (!query || searching.current || nextLine.current === null) return;
    searching.current = true;
    void ops.logFiles
      .search({ fileId, query, levels: levelFilter, fromLine: nextLine.current, limit: 500 })
      .then((r) => {
        nextLine.current = r.nextLine;
        setSearchDone(r.done);
        setMatches((m) => [...m, ...r.matches]);
      })
      .finally(() => (searching.current = false));
  }, [fileId, query, levelFilter]);

  // First page (or first matches) when mounted; later ones follow the visible window.
  useEffect(() => {
    if (query) searchMore();
    else fetchPage(0);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const count = query ? matches.length : levelFilter ? (filteredTotal ?? 0) : lineCount;
  const onRangeChange = useCallback(
    (start: number, end: number) => {
      if (query) {
        if (end >= matches.length - 50) searchMore();
        return;
      }
      for (let p = Math.floor(start / PAGE); p <= Math.floor(end / PAGE); p++) fetchPage(p);
    },
    [query, matches.length, searchMore, fetchPage],
  );

  const row = (i: number): FileLine | undefined => (query ? matches[i] : pages.current.get(Math.floor(i / PAGE))?.lines[i % PAGE]);
  return { count, row, onRangeChange, searchDone };
}
