import type { ReactNode } from 'react';
import type { FileLine } from '../../../../shared/contract/log-files.ts';
import { formatLogTime, parseLogRecord } from '../../../../shared/log-record.ts';
import { highlight } from '../../components/LogList.tsx';

const cell = (width: number, extra?: object) => ({ display: 'inline-block', width, flex: 'none', overflow: 'hidden', textOverflow: 'ellipsis', ...extra });

/** One file line: raw text, or lnav-like columns (time, level, message, fields) when parsed. */
export function FileRow({ line, terms, columns, tag }: { line: FileLine; terms: string[]; columns: boolean; tag?: ReactNode }): ReactNode {
  const number = (
    <span className="faint" style={cell(64, { textAlign: 'right', marginRight: 8 })}>
      {line.n + 1}
    </span>
  );
  const level = (
    <span className={`lvl lvl-${line.level}`} style={cell(48)}>
      {line.level.slice(0, 5)}
    </span>
  );
  if (!columns) {
    return (
      <>
        {tag}
        {number}
        {level}
        <span>{highlight(line.text, terms)}</span>
      </>
    );
  }
  const rec = parseLogRecord(line.text);
  return (
    <>
      {tag}
      {number}
      <span className="muted" data-col="time" style={cell(170)}>
        {rec.time !== null ? formatLogTime(rec.time) : ''}
      </span>
      {level}
      <span data-col="message" style={{ flex: 'none', minWidth: 320, marginRight: 12 }}>
        {highlight(rec.message, terms)}
      </span>
      <span className="faint" data-col="fields">
        {rec.fields.map(([k, v]) => (
          <span key={k} style={{ marginRight: 10 }}>
            <span className="muted">{k}</span>={highlight(v, terms)}
          </span>
        ))}
      </span>
    </>
  );
}
