import { useEffect, useState } from 'react';
import type { FileLine } from '../../../../shared/contract/log-files.ts';
import { ops } from '../../client/ops.ts';
import { LogList } from '../../components/LogList.tsx';
import { attempt } from '../../state/app-store.ts';
import { FileRow } from './FileRow.tsx';

const AROUND = 20;

/** The lines around a hit, whatever the filter (lnav's jump to context). */
export function LineContext({ fileId, n, terms, columns, onJump, onClose }: { fileId: string; n: number; terms: string[]; columns: boolean; onJump(n: number): void; onClose(): void }) {
  const [lines, setLines] = useState<FileLine[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const start = Math.max(0, n - AROUND);
  useEffect(() => {
    let alive = true;
    void attempt('Loading the context', () => ops.logFiles.lines({ fileId, start, count: AROUND * 2 + 1 })).then((r) => {
      if (!alive || !r) return;
      setLines(r.lines);
      setSelected(r.lines.findIndex((l) => l.n === n));
    });
    return () => {
      alive = false;
    };
  }, [fileId, n, start]);
  return (
    <section className="panel" aria-label={`Context of line ${(n + 1).toLocaleString()}`} style={{ display: 'flex', flexDirection: 'column', gap: 6, padding: 8, height: 300 }}>
      <div className="row">
        <strong>
          Line {(n + 1).toLocaleString()} in context
        </strong>
        <span className="muted">{lines ? `lines ${(start + 1).toLocaleString()}–${(start + lines.length).toLocaleString()}` : 'loading…'}</span>
        <div className="spacer" />
        <button className="btn btn-sm" onClick={() => onJump(n)} title="Clear the search and level filter and scroll the whole file to this line">
          Show in whole file
        </button>
        <button className="btn btn-sm btn-ghost" onClick={onClose} aria-label="Close context">
          Close
        </button>
      </div>
      <LogList
        label="Context lines"
        count={lines?.length ?? 0}
        follow={false}
        selected={selected}
        onSelect={setSelected}
        scrollTo={selected}
        empty={lines ? 'No lines' : 'Loading…'}
        renderRow={(i) => <FileRow line={lines![i]!} terms={lines![i]!.n === n ? terms : []} columns={columns} />}
      />
    </section>
  );
}
