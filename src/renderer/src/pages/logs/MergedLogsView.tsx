import { useCallback, useEffect, useRef, useState } from 'react';
import { FILE_LEVELS, type FileLevel, type LogFileState, type MergeCursor, type MergedLine } from '../../../../shared/contract/log-files.ts';
import { ops } from '../../client/ops.ts';
import { LevelFilter } from '../../components/LevelFilter.tsx';
import { LogList } from '../../components/LogList.tsx';
import { plural } from '../../lib/format.ts';
import { attempt } from '../../state/app-store.ts';
import { FileRow } from './FileRow.tsx';

const PAGE = 500;
const TAG_COLOURS = ['var(--accent)', 'var(--status-healthy)', 'var(--status-degraded)', 'var(--status-down)', 'var(--text-muted)'];
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** Several log files as one stream, interleaved by each line's time (lnav's merged view). */
export function MergedLogsView() {
  const [recent, setRecent] = useState<LogFileState[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [merged, setMerged] = useState<LogFileState[] | null>(null);
  const [levels, setLevels] = useState<FileLevel[]>([]);
  const [lines, setLines] = useState<MergedLine[]>([]);
  const [done, setDone] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const cursor = useRef<MergeCursor | undefined>(undefined);
  const loading = useRef(false);
  const generation = useRef(0);

  useEffect(() => {
    void ops.logFiles.list().then(setRecent);
  }, []);

  const loadMore = useCallback(() => {
    if (!merged || loading.current || done) return;
    loading.current = true;
    const mine = generation.current;
    void attempt('Merging', () => ops.logFiles.merge({ fileIds: merged.map((f) => f.fileId), levels: levels.length ? levels : undefined, cursor: cursor.current, limit: PAGE }))
      .then((r) => {
        if (!r || mine !== generation.current) return;
        cursor.current = r.cursor;
        setLines((prev) => [...prev, ...r.lines]);
        // No progress and not done: a file is still being indexed; scrolling asks again.
        setDone(r.done);
      })
      .finally(() => {
        if (mine === generation.current) loading.current = false;
      });
  }, [merged, levels, done]);

  /** A new set of files or levels starts from the top. */
  const restart = (files: LogFileState[], lv: FileLevel[]) => {
    generation.current++;
    loading.current = false;
    cursor.current = undefined;
    setLines([]);
    setDone(false);
    setSelected(null);
    setMerged(files);
    setLevels(lv);
  };
  useEffect(() => {
    if (merged && !lines.length && !done) loadMore();
  }, [merged, lines.length, done, loadMore]);

  const merge = async () => {
    const states: LogFileState[] = [];
    for (const id of chosen) {
      const path = recent.find((r) => r.fileId === id)?.path;
      const s = path && (await attempt(`Opening ${baseName(path)}`, () => ops.logFiles.open({ path })));
      if (!s) return;
      states.push(s);
    }
    restart(states, levels);
  };

  const colour = (fileId: string) => TAG_COLOURS[(merged?.findIndex((f) => f.fileId === fileId) ?? 0) % TAG_COLOURS.length];
  return (
    <>
      <div className="row" role="group" aria-label="Files to merge">
        {recent.length < 2 && <span className="muted">Open at least two files on the Files tab; they are listed here to merge by time.</span>}
        {recent.map((r) => (
          <label key={r.fileId} className="row mono" style={{ gap: 4 }} title={r.path}>
            <input type="checkbox" checked={chosen.includes(r.fileId)} onChange={(e) => setChosen((c) => (e.target.checked ? [...c, r.fileId] : c.filter((x) => x !== r.fileId)))} />
            {baseName(r.path)}
          </label>
        ))}
        <button className="btn btn-primary btn-sm" disabled={chosen.length < 2 || chosen.length > 8} onClick={() => void merge()}>
          Merge {chosen.length >= 2 ? plural(chosen.length, 'file') : 'files'} by time
        </button>
      </div>
      {merged && (
        <>
          <div className="row">
            <LevelFilter levels={FILE_LEVELS} value={levels} onChange={(lv) => restart(merged, lv)} />
            {merged.map((f) => (
              <span key={f.fileId} className="mono" style={{ color: colour(f.fileId) }} title={f.path}>
                ■ {baseName(f.path)}
              </span>
            ))}
            <div className="spacer" />
            <span className="muted" aria-live="polite" data-testid="merged-count">
              {plural(lines.length, 'line')}
              {done ? '' : '+'}
            </span>
          </div>
          <LogList
            label="Merged lines"
            count={lines.length}
            follow={false}
            selected={selected}
            onSelect={setSelected}
            onRangeChange={(_s, end) => {
              if (end >= lines.length - 50) loadMore();
            }}
            empty={done ? 'No lines' : 'Merging…'}
            renderRow={(i) => {
              const l = lines[i]!;
              const tag = (
                <span className="mono" style={{ color: colour(l.fileId), flex: 'none', width: 120, overflow: 'hidden', textOverflow: 'ellipsis' }} data-col="file">
                  {baseName(merged.find((f) => f.fileId === l.fileId)?.path ?? l.fileId)}
                </span>
              );
              return <FileRow line={l} terms={[]} columns tag={tag} />;
            }}
          />
        </>
      )}
    </>
  );
}
