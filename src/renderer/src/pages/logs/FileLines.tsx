import { useState } from 'react';
import { plural } from '../../lib/format.ts';
import type { FileLevel, LogFileState } from '../../../../shared/contract/log-files.ts';
import { LogList, searchTerms } from '../../components/LogList.tsx';
import { FileRow } from './FileRow.tsx';
import { LineContext } from './LineContext.tsx';
import { useFileLines } from './useFileLines.ts';

interface Props {
  file: LogFileState;
  levels: FileLevel[];
  query: string;
  columns: boolean;
  follow: boolean;
  onFollowChange(f: boolean): void;
  /** Clear the filters and show line n of the whole file. */
  onJump(n: number): void;
  /** A line of the whole file to scroll to and select when mounted (after a jump). */
  jumpTo: number | null;
}

/** The lines (or search matches) of one file under one filter; remounted when the filter changes. */
export function FileLines({ file, levels, query, columns, follow, onFollowChange, onJump, jumpTo }: Props) {
  const lines = useFileLines(file.fileId, file.lineCount, levels, query);
  const [selected, setSelected] = useState<number | null>(jumpTo);
  const [context, setContext] = useState<number | null>(null);
  const [jumpedTo, setJumpedTo] = useState(jumpTo);
  if (jumpTo !== jumpedTo) {
    setJumpedTo(jumpTo);
    setSelected(jumpTo);
  }
  const terms = searchTerms(query);
  const sel = selected !== null ? lines.row(selected) : undefined;
  const filtered = Boolean(query || levels.length);
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
        onActivate={(i) => {
          const l = lines.row(i);
          if (l) setContext(l.n);
        }}
        scrollTo={jumpTo}
        empty={query ? (lines.searchDone ? 'No line matches' : 'Searching…') : 'Empty file'}
        renderRow={(i) => {
          const l = lines.row(i);
          return l ? <FileRow line={l} terms={terms} columns={columns} /> : <span className="faint">…</span>;
        }}
      />
      {context !== null ? (
        <LineContext fileId={file.fileId} n={context} terms={terms} columns={columns} onJump={onJump} onClose={() => setContext(null)} />
      ) : (
        sel && (
          <div className="panel" style={{ padding: 8, display: 'flex', flexDirection: 'column', gap: 6 }}>
            <div className="row">
              <span className="muted">Line {(sel.n + 1).toLocaleString()}</span>
              <div className="spacer" />
              <span className="faint">Enter or double-click: context</span>
              <button className="btn btn-sm" onClick={() => setContext(sel.n)}>
                Show context
              </button>
              {filtered && (
                <button className="btn btn-sm" onClick={() => onJump(sel.n)}>
                  Show in whole file
                </button>
              )}
            </div>
            <pre className="mono" style={{ margin: 0, maxHeight: 160, overflow: 'auto', whiteSpace: 'pre-wrap' }} aria-label="Selected line">
              {prettyLine(sel.text)}
              {sel.truncated && '\n… (line truncated)'}
            </pre>
          </div>
        )
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
