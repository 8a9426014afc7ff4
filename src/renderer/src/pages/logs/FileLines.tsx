import { useState } from 'react';
import { plural } from '../../lib/format.ts';
import type { FileLevel, LogFileState } from '../../../../shared/contract/log-files.ts';
import { highlight, LogList, searchTerms } from '../../components/LogList.tsx';
import { useFileLines } from './useFileLines.ts';

/** The lines (or search matches) of one file under one filter; remounted when the filter changes. */
export function FileLines({ file, levels, query, follow, onFollowChange }: { file: LogFileState; levels: FileLevel[]; query: string; follow: boolean; onFollowChange(f: boolean): void }) {
  const lines = useFileLines(file.fileId, file.lineCount, levels, query);
  const [selected, setSelected] = useState<number | null>(null);
  const terms = searchTerms(query);
  const sel = selected !== null ? lines.row(selected) : undefined;
  return (
    <>
      <span className="muted" aria-live="polite" data-testid="file-count" style={{ alignSelf: 'flex-end' }}>
        {query ? `${lines.count.toLocaleString()} ${lines.count === 1 ? 'match' : 'matches'}${lines.searchDone ? '' : ' (searching…)'}` : plural(lines.count, 'line')}
      </span>
      <LogList
        label="File lines"
        count={lines.count}
        follow={follow}
        onFollowChange={onFollowChange}
        onRangeChange={lines.onRangeChange}
        selected={selected}
        onSelect={setSelected}
        empty={query ? (lines.searchDone ? 'No line matches' : 'Searching…') : 'Empty file'}
        renderRow={(i) => {
          const l = lines.row(i);
          if (!l) return <span className="faint">…</span>;
          return (
            <>
              <span className="faint" style={{ display: 'inline-block', minWidth: 64, textAlign: 'right' }}>
                {l.n + 1}
              </span>
              &nbsp;
              <span className={`lvl lvl-${l.level}`}>{l.level.slice(0, 5).padEnd(5)}</span>&nbsp;
              {highlight(l.text, terms)}
            </>
          );
        }}
      />
      {sel && (
        <pre className="panel mono" style={{ margin: 0, padding: 8, maxHeight: 180, overflow: 'auto', whiteSpace: 'pre-wrap' }} aria-label="Selected line">
          {prettyLine(sel.text)}
          {sel.truncated && '\n… (line truncated)'}
        </pre>
      )}
    </>
  );
}

function prettyLine(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
