// A log line's time, message and fields, as lnav shows them: JSON lines by their usual keys
// (pino, bunyan, winston, logrus, zap, ECS, Python's json logger), plain text by a leading
// ISO-8601-like timestamp. Shared by the core (histogram, merging) and the console (columns).

const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 'datetime', 'date', 'asctime', 't'];
const MESSAGE_KEYS = ['msg', 'message', 'event', 'text', 'body'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'levelname', 'log.level', 'loglevel'];
/** Only the head of a line is searched for its time: the cost stays bounded on huge lines. */
const HEAD_CHARS = 4096;

// "2024-05-01T12:00:00.123Z", "2024-05-01 12:00:00,123 +0200", "[2024-05-01 12:00:00]".
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?[ \t]*(Z|[+-]\d{2}:?\d{2})?/;
const PLAIN_HEAD_RE = /^[ \t]*[[(]?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?[ \t]*(?:Z|[+-]\d{2}:?\d{2})?)/;

/** Milliseconds since the epoch from an ISO-8601-like string, or null. A time without a zone is UTC. */
export function parseIsoTime(s: string): number | null {
  const m = ISO_RE.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isFinite(t) ? t : null;
}

/** Epoch numbers in seconds, milliseconds, microseconds or nanoseconds (by magnitude) → ms. */
export function epochToMs(n: number): number | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  if (n < 1e11) return n * 1000; // seconds (until the year 5138)
  if (n < 1e14) return n; // milliseconds
  if (n < 1e17) return n / 1000; // microseconds
  return n / 1e6; // nanoseconds
}

function timeFromValue(v: unknown): number | null {
  if (typeof v === 'number') return epochToMs(v);
  if (typeof v === 'string') {
    const iso = parseIsoTime(v);
    if (iso !== null) return iso;
    return /^\d+(\.\d+)?$/.test(v) ? epochToMs(Number(v)) : null;
  }
  return null;
}

/**
 * The time of one line in ms since the epoch, or null. Cheap: JSON lines are not parsed
 * whole, only the value after the first time key found in the line's head.
 */
export function lineTime(text: string): number | null {
  const head = text.length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text;
  let i = 0;
  while (i < head.length && (head.charCodeAt(i) === 32 || head.charCodeAt(i) === 9 || head.charCodeAt(i) === 0xfeff)) i++;
  if (head.charCodeAt(i) !== 123 /* { */) {
    const m = PLAIN_HEAD_RE.exec(head);
    return m ? parseIsoTime(m[1]!) : null;
  }
  for (const key of TIME_KEYS) {
    const quoted = `"${key}"`;
    for (let at = head.indexOf(quoted); at >= 0; at = head.indexOf(quoted, at + quoted.length)) {
      let j = at + quoted.length;
      while (head.charCodeAt(j) === 32 || head.charCodeAt(j) === 9) j++;
      if (head.charCodeAt(j) !== 58 /* : */) continue;
      j++;
      while (head.charCodeAt(j) === 32 || head.charCodeAt(j) === 9) j++;
      let value: unknown;
      if (head.charCodeAt(j) === 34 /* " */) {
        const end = head.indexOf('"', j + 1);
        if (end < 0) continue;
        value = head.slice(j + 1, end);
      } else {
        const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(head.slice(j, j + 32));
        if (!m) continue;
        value = Number(m[0]);
      }
      const t = timeFromValue(value);
      if (t !== null) return t;
    }
  }
  return null;
}

export interface LogRecord {
  /** ms since the epoch, or null when the line carries no time. */
  time: number | null;
  /** The message column: the JSON message key, else the line (minus a leading timestamp). */
  message: string;
  /** The JSON line's other keys, values as compact text; empty for plain text. */
  fields: [string, string][];
  json: boolean;
}

const compact = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** Splits one line into lnav-like columns (time, message, fields); the level is the index's. */
export function parseLogRecord(text: string): LogRecord {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch {
      obj = null;
    }
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      const rec = obj as Record<string, unknown>;
      const timeKey = TIME_KEYS.find((k) => k in rec && timeFromValue(rec[k]) !== null);
      const messageKey = MESSAGE_KEYS.find((k) => typeof rec[k] === 'string');
      const levelKey = LEVEL_KEYS.find((k) => k in rec);
      const fields: [string, string][] = [];
      for (const [k, v] of Object.entries(rec)) if (k !== timeKey && k !== messageKey && k !== levelKey) fields.push([k, compact(v)]);
      return { time: timeKey ? timeFromValue(rec[timeKey]) : null, message: messageKey ? (rec[messageKey] as string) : '', fields, json: true };
    }
  }
  const m = PLAIN_HEAD_RE.exec(text);
  if (m) return { time: parseIsoTime(m[1]!), message: text.slice(m[0].length).replace(/^[\])]?[ \t]*/, ''), fields: [], json: false };
  return { time: null, message: text, fields: [], json: false };
}

/** "2024-05-01 12:00:00.123" in UTC (log files from many hosts read best in one zone). */
export function formatLogTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}
