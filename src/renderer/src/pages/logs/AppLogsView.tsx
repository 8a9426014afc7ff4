import { useCallback, useEffect, useRef, useState } from 'react';
import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../../../shared/contract/logs.ts';
import { ops } from '../../client/ops.ts';
import { FollowSwitch } from '../../components/FollowSwitch.tsx';
import { LevelFilter } from '../../components/LevelFilter.tsx';
import { highlight, LogList, searchTerms } from '../../components/LogList.tsx';
import { downloadText, plural } from '../../lib/format.ts';
import { useDebounced } from '../../lib/useDebounced.ts';
import { attempt } from '../../state/app-store.ts';

const PAGE = 500;
const MAX_IN_MEMORY = 50_000;

function matchesLive(e: LogEntry, levels: LogLevel[], terms: string[]): boolean {
  if (levels.length && !levels.includes(e.level)) return false;
  if (!terms.length) return true;
  const hay = `${e.event} ${e.msg} ${JSON.stringify(e.data)}`.toLowerCase();
  return terms.every((t) => hay.includes(t.toLowerCase()));
}

/** The app's own structured logs from the local store (FTS5 search), live. */
export function AppLogsView({ initialRunId }: { initialRunId?: string }) {
  const [levels, setLevels] = useState<LogLevel[]>([]);
  const [text, setText] = useState('');
  // Search as you type; Enter searches at once.
  const [submitted, setSubmitted] = useState<string | null>(null);
  const typed = useDebounced(text.trim(), 250);
  const query = submitted ?? typed;
  const [runId, setRunId] = useState(initialRunId ?? '');
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [follow, setFollow] = useState(true);
  const [selected, setSelected] = useState<number | null>(null);
  const [prepended, setPrepended] = useState(0);
  const loadingOlder = useRef(false);
  /** Bumped by every new filter: a response for an older filter (however late) is dropped. */
  const generation = useRef(0);

  const filter = { text: query || undefined, levels: levels.length ? levels : undefined, runId: runId.trim() || undefined };
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    const mine = ++generation.current;
    const alive = () => mine === generation.current;
    const f = JSON.parse(filterKey) as typeof filter;
    void attempt('Loading logs', () => ops.logs.query({ ...f, limit: PAGE })).then((r) => {
      if (!alive() || !r) return;
      setEntries(r.entries.reverse());
      setHasOlder(r.hasMore);
      setSelected(null);
    });
    const terms = searchTerms(f.text ?? '');
    const off = ops.subscribe('logs.line', { runId: f.runId }, (e) => {
      if (alive() && matchesLive(e, f.levels ?? [], terms)) setEntries((prev) => (prev.length >= MAX_IN_MEMORY ? [...prev.slice(-MAX_IN_MEMORY + 1), e] : [...prev, e]));
    });
    return off;
  }, [filterKey]);

  const loadOlder = useCallback(() => {
    if (!hasOlder || loadingOlder.current || !entries.length) return;
    loadingOlder.current = true;
    const mine = generation.current;
    const f = JSON.parse(filterKey) as typeof filter;
    void ops.logs
      .query({ ...f, beforeId: entries[0]!.id, limit: PAGE })
      .then((r) => {
        if (mine !== generation.current) return;
        setEntries((prev) => [...r.entries.reverse(), ...prev]);
        setPrepended(r.entries.length);
        setHasOlder(r.hasMore);
        setSelected((s) => (s === null ? s : s + r.entries.length));
      })
      .finally(() => (loadingOlder.current = false));
  }, [hasOlder, entries, filterKey]);

  const exportAs = async (format: 'jsonl' | 'csv') => {
    const r = await attempt('Export', () => ops.logs.export({ ...filter, format }));
    if (r) downloadText(`repo-ops-logs.${format}`, r.content, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
  };

  const terms = searchTerms(query);
  const sel = selected !== null ? entries[selected] : undefined;
  return (
    <>
      <div className="row">
        <LevelFilter levels={LOG_LEVELS} value={levels} onChange={setLevels} />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSubmitted(text.trim());
          }}
        >
          <input
            className="input"
            data-page-search
            aria-label="Search app logs"
            placeholder="Search as you type (full text)  /"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setSubmitted(null);
            }}
            style={{ width: 260 }}
          />
        </form>
        <input className="input mono" aria-label="Job run id" placeholder="Job run id" value={runId} onChange={(e) => setRunId(e.target.value)} style={{ width: 180 }} />
        <FollowSwitch follow={follow} onChange={setFollow} label="Follow new lines" />
        <div className="spacer" />
        <span className="muted" aria-live="polite">
          {plural(entries.length, 'line')}{hasOlder ? '+' : ''}
        </span>
        <button className="btn btn-sm" onClick={() => void exportAs('jsonl')}>
          Export JSONL
        </button>
        <button className="btn btn-sm" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
      </div>
      <LogList
        label="App log lines"
        count={entries.length}
        follow={follow}
        onFollowChange={setFollow}
        onNearTop={loadOlder}
        prepended={prepended}
        selected={selected}
        onSelect={setSelected}
        empty={query || levels.length || runId ? 'No log lines match' : 'No log lines yet'}
        renderRow={(i) => {
          const e = entries[i]!;
          return (
            <>
              <span className="faint">{e.ts.replace('T', ' ').slice(0, 23)}</span>&nbsp;
              <span className={`lvl lvl-${e.level}`}>{e.level.padEnd(5)}</span>&nbsp;
              <span className="muted">{e.event}</span>&nbsp;
              {e.runId && <span className="faint">[{e.runId.slice(0, 8)}] </span>}
              {highlight(e.msg, terms)}
            </>
          );
        }}
      />
      {sel && (
        <pre className="panel mono" style={{ margin: 0, padding: 8, maxHeight: 180, overflow: 'auto' }} aria-label="Selected log line">
          {JSON.stringify(sel, null, 2)}
        </pre>
      )}
    </>
  );
}
