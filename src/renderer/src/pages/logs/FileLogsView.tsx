import { useEffect, useState } from 'react';
import { FILE_LEVELS, type FileLevel, type LogFileState } from '../../../../shared/contract/log-files.ts';
import { ops } from '../../client/ops.ts';
import { FollowSwitch } from '../../components/FollowSwitch.tsx';
import { LevelFilter } from '../../components/LevelFilter.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { downloadText, formatBytes, plural } from '../../lib/format.ts';
import { attempt } from '../../state/app-store.ts';
import { FileHistogram } from './FileHistogram.tsx';
import { FileLines } from './FileLines.tsx';

/** Any local log file: JSON lines or plain text, indexed in the background, searchable, followable. */
export function FileLogsView() {
  const [path, setPath] = useState('');
  const [recent, setRecent] = useState<LogFileState[]>([]);
  const [file, setFile] = useState<LogFileState | null>(null);
  const [levels, setLevels] = useState<FileLevel[]>([]);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(false);
  const [columns, setColumns] = useState(true);
  const [jumpTo, setJumpTo] = useState<number | null>(null);
  const filterLevels = (l: FileLevel[]) => {
    setJumpTo(null);
    setLevels(l);
  };
  const jump = (n: number) => {
    setFollow(false);
    setLevels([]);
    setText('');
    setQuery('');
    setJumpTo(n);
  };

  useEffect(() => {
    void ops.logFiles.list().then(setRecent);
  }, [file?.fileId]);

  useEffect(() => {
    if (!file) return;
    return ops.subscribe('logFiles.changed', { fileId: file.fileId }, setFile);
  }, [file?.fileId]); // eslint-disable-line react-hooks/exhaustive-deps


  const open = async (p: string) => {
    const state = await attempt('Opening the file', () => ops.logFiles.open({ path: p }));
    if (state) {
      setFile(state);
      setPath(state.path);
      setQuery('');
      setText('');
      setJumpTo(null);
    }
  };

  const exportLines = async () => {
    if (!file) return;
    const r = await attempt('Export', () => ops.logFiles.export({ fileId: file.fileId, levels: levels.length ? levels : undefined, query: query || undefined }));
    if (r) downloadText(`${file.path.split(/[\\/]/).pop()}.filtered.log`, r.content);
  };

  return (
    <>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void open(path);
        }}
      >
        <input className="input mono" aria-label="Log file path" placeholder="/var/log/app/worker.log" value={path} onChange={(e) => setPath(e.target.value)} style={{ flex: 1, minWidth: 300 }} />
        <button className="btn btn-primary" type="submit">
          Open
        </button>
        {recent
          .filter((r) => r.fileId !== file?.fileId)
          .slice(0, 4)
          .map((r) => (
            <button key={r.fileId} type="button" className="btn btn-sm btn-ghost mono" title={r.path} onClick={() => void open(r.path)}>
              {r.path.split(/[\\/]/).pop()}
            </button>
          ))}
      </form>
      {file && (
        <>
          <div className="row">
            <strong className="mono" title={file.path}>
              {file.path}
            </strong>
            <span className="muted">
              {formatBytes(file.size)} · {plural(file.lineCount, 'line')}
            </span>
            {file.indexing && (
              <span className="row muted" style={{ flexWrap: 'nowrap' }} role="status" aria-label="Indexing">
                indexing {Math.floor((file.indexedBytes / Math.max(1, file.size)) * 100)}%
                <span style={{ width: 120 }}>
                  <ProgressBar done={file.indexedBytes} total={file.size} label="Indexing progress" />
                </span>
              </span>
            )}
            {file.missing && <span className="status status-down">file missing</span>}
            {file.rotations > 0 && <span className="status status-degraded">rotated ×{file.rotations}</span>}
            <div className="spacer" />
            {FILE_LEVELS.filter((l) => file.levelCounts[l]).map((l) => (
              <span key={l} className={`lvl lvl-${l}`}>
                {l} {file.levelCounts[l]!.toLocaleString()}
              </span>
            ))}
          </div>
          <div className="row">
            <LevelFilter levels={FILE_LEVELS} value={levels} onChange={filterLevels} />
            <form
              onSubmit={(e) => {
                e.preventDefault();
                setJumpTo(null);
                setQuery(text.trim());
              }}
            >
              <input className="input" data-page-search aria-label="Search in file" placeholder='Search: all words, "a phrase"  /' value={text} onChange={(e) => setText(e.target.value)} style={{ width: 280 }} />
            </form>
            <FollowSwitch follow={follow} onChange={setFollow} label="Follow file" />
            <label className="row" style={{ gap: 6 }} title="Time, level, message and fields of JSON lines (and a leading timestamp of plain lines)">
              <input type="checkbox" checked={columns} onChange={(e) => setColumns(e.target.checked)} />
              Columns
            </label>
            <div className="spacer" />
            <button className="btn btn-sm" onClick={() => void exportLines()}>
              Export
            </button>
          </div>
          <FileHistogram fileId={file.fileId} query={query} levels={levels} indexing={file.indexing} />
          <FileLines key={`${file.fileId}|${levels.join(',')}|${query}`} file={file} levels={levels} query={query} columns={columns} follow={follow} onFollowChange={setFollow} onJump={jump} jumpTo={jumpTo} />
        </>
      )}
      {!file && <div className="empty">Open a local log file (JSON lines or plain text). Large files are indexed in the background; you can read and search while it runs.</div>}
    </>
  );
}
