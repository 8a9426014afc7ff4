import { useCallback, useEffect, useRef, useState } from 'react';
import type { FileLevel, FileLine } from '../../../../shared/contract/log-files.ts';
import { ops } from '../../client/ops.ts';

const PAGE = 500;

/**
 * Lines of an opened file, fetched page by page for the visible window only.
 * With a search query the rows are the matches, fetched in order as you scroll.
 */
export function useFileLines(fileId: string | null, lineCount: number, levels: FileLevel[], query: string) {
  const pages = useRef(new Map<number, FileLine[]>());
  const inflight = useRef(new Set<number>());
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const [matches, setMatches] = useState<FileLine[]>([]);
  const [searchDone, setSearchDone] = useState(true);
  const nextLine = useRef<number | null>(0);
  const searching = useRef(false);
  const key = `${fileId}|${levels.join(',')}|${query}`;

  // New filter: drop caches.
  useEffect(() => {
    pages.current.clear();
    inflight.current.clear();
    setMatches([]);
    nextLine.current = 0;
    setSearchDone(!query);
    setVersion((v) => v + 1);
  }, [key, query]);

  // The file grew: the last page may be partial, refetch it.
  useEffect(() => {
    if (!fileId || query) return;
    if (!levels.length) setTotal(lineCount);
    const lastPage = Math.floor(Math.max(0, total - 1) / PAGE);
    pages.current.delete(lastPage);
    setVersion((v) => v + 1);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lineCount]);

  const fetchPage = useCallback(
    (p: number) => {
      if (!fileId || pages.current.has(p) || inflight.current.has(p)) return;
      inflight.current.add(p);
      const k = key;
      void ops.logFiles
        .lines({ fileId, start: p * PAGE, count: PAGE, levels: levels.length ? levels : undefined })
        .then((r) => {
          if (k !== key) return;
          pages.current.set(p, r.lines);
          setTotal(r.total);
          setVersion((v) => v + 1);
        })
        .finally(() => inflight.current.delete(p));
    },
    [fileId, key, levels],
  );

  const searchMore = useCallback(() => {
    if (!fileId || !query || searching.current || nextLine.current === null) return;
    searching.current = true;
    const k = key;
    void ops.logFiles
      .search({ fileId, query, levels: levels.length ? levels : undefined, fromLine: nextLine.current, limit: 500 })
      .then((r) => {
        if (k !== key) return;
        nextLine.current = r.nextLine;
        setSearchDone(r.done);
        setMatches((m) => [...m, ...r.matches]);
      })
      .finally(() => (searching.current = false));
  }, [fileId, query, levels, key]);

  useEffect(() => {
    if (query) searchMore();
    else fetchPage(0);
  }, [version, query, searchMore, fetchPage]);

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

  const row = (i: number): FileLine | undefined => (query ? matches[i] : pages.current.get(Math.floor(i / PAGE))?.[i % PAGE]);
  return { count: query ? matches.length : total, row, onRangeChange, searchDone, version };
}
