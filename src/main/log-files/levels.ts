// Log level detection, shared by the log-file indexer and the app's own logs.

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'unknown';

/** Index order = the code stored in block headers (level counts). */
export const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'];
export const LEVEL_COUNT = LEVELS.length;
export const LEVEL_CODE: Readonly<Record<Level, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5, unknown: 6 };

/** Only the head of a huge line is examined, so detection cost is bounded. */
export const LEVEL_SCAN_CHARS = 64 * 1024;
/** Plain-text levels must appear near the start of the line. */
const PLAIN_SCAN_CHARS = 160;

const NAMES: Readonly<Record<string, Level>> = {
  trace: 'trace', verbose: 'trace', silly: 'trace', finest: 'trace', finer: 'trace',
  debug: 'debug', fine: 'debug', dbg: 'debug',
  info: 'info', information: 'info', informational: 'info', notice: 'info', default: 'info', inf: 'info',
  warn: 'warn', warning: 'warn', wrn: 'warn',
  error: 'error', err: 'error', severe: 'error', eror: 'error',
  fatal: 'fatal', critical: 'fatal', crit: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal', panic: 'fatal',
};

const JSON_KEYS = ['"level"', '"severity"', '"lvl"', '"levelname"', '"log.level"', '"loglevel"'];

// Upper-case level tokens anywhere in the head ("2024-… ERROR …", "WARNING:root:…").
// `[ \t]` instead of `\s`: indexed lines are latin1-decoded bytes, where 0xA0 would match `\s`.
const UPPER_RE = /(?:^|[^A-Za-z0-9])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|PANIC|EMERG)(?![A-Za-z0-9])/;
// Any-case tokens only when delimited like a level: "[info]", "<warn>", "error:", "(debug)", "level=warn".
const DELIMITED_RE = /(?:^|[ \t[<(|])(trace|debug|info|notice|warn|warning|error|err|fatal|critical|crit|panic)(?:[\]>)|:]|[ \t]*$)/i;
const LOGFMT_RE = /(?:^|[ \t])(?:level|lvl|severity)=["']?([A-Za-z]+)/i;

export function levelFromNumber(n: number): Level {
  if (!Number.isFinite(n)) return 'unknown';
  if (n >= 10) {
    // pino / bunyan scale
    if (n < 20) return 'trace';
    if (n < 30) return 'debug';
    if (n < 40) return 'info';
    if (n < 50) return 'warn';
    if (n < 60) return 'error';
    return 'fatal';
  }
  // syslog severities 0..7
  if (n < 0 || !Number.isInteger(n)) return 'unknown';
  if (n <= 2) return 'fatal';
  if (n === 3) return 'error';
  if (n === 4) return 'warn';
  if (n <= 6) return 'info';
  return 'debug';
}

export function levelFromName(name: string): Level {
  return NAMES[name.trim().toLowerCase()] ?? 'unknown';
}

function skipBlanks(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

function jsonLevel(line: string): Level {
  for (const key of JSON_KEYS) {
    let at = line.indexOf(key);
    while (at >= 0) {
      let i = skipBlanks(line, at + key.length);
      if (line.charCodeAt(i) === 58 /* : */) {
        i = skipBlanks(line, i + 1);
        const c = line.charCodeAt(i);
        if (c === 34 /* " */) {
          const end = line.indexOf('"', i + 1);
          if (end > i && end - i < 40) {
            const lv = levelFromName(line.slice(i + 1, end));
            if (lv !== 'unknown') return lv;
          }
        } else if ((c >= 48 && c <= 57) || c === 45) {
          let j = i + 1;
          while (j < line.length && ((line.charCodeAt(j) >= 48 && line.charCodeAt(j) <= 57) || line.charCodeAt(j) === 46)) j++;
          const lv = levelFromNumber(Number(line.slice(i, j)));
          if (lv !== 'unknown') return lv;
        }
      }
      at = line.indexOf(key, at + key.length);
    }
  }
  return 'unknown';
}

function plainLevel(head: string): Level {
  const upper = UPPER_RE.exec(head);
  if (upper) return levelFromName(upper[1]);
  const logfmt = LOGFMT_RE.exec(head);
  if (logfmt) {
    const lv = levelFromName(logfmt[1]);
    if (lv !== 'unknown') return lv;
  }
  const delimited = DELIMITED_RE.exec(head);
  return delimited ? levelFromName(delimited[1]) : 'unknown';
}

/**
 * Level of one log line: JSON lines by their "level" / "severity" (numbers on the
 * pino/bunyan scale or syslog 0–7, or names), plain text by a level token near the start.
 */
export function detectLevel(line: string): Level {
  let s = line.length > LEVEL_SCAN_CHARS ? line.slice(0, LEVEL_SCAN_CHARS) : line;
  // A byte-order mark on the first line: U+FEFF as text, "ï»¿" when latin1-decoded bytes.
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  else if (s.startsWith('\u00ef\u00bb\u00bf')) s = s.slice(3);
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  if (s.charCodeAt(i) === 123 /* { */) {
    const lv = jsonLevel(s);
    if (lv !== 'unknown') return lv;
  }
  return plainLevel(s.length > PLAIN_SCAN_CHARS ? s.slice(0, PLAIN_SCAN_CHARS) : s);
}

/**
 * Level of the line bytes [start, end) of `buf`. The indexer and every reader use this
 * (latin1 view of the raw bytes), so level counts in the index always agree with what
 * readers re-detect, whatever the line's encoding.
 */
export function detectLevelBytes(buf: Buffer, start: number, end: number): number {
  if (end > start && buf[end - 1] === 13) end--;
  if (end - start > LEVEL_SCAN_CHARS) end = start + LEVEL_SCAN_CHARS;
  return LEVEL_CODE[detectLevel(buf.toString('latin1', start, end))];
}

/** Bit mask over level codes; 0 = no filter. */
export function levelMask(levels: readonly Level[] | undefined): number {
  if (!levels || levels.length === 0) return 0;
  let mask = 0;
  for (const l of levels) {
    const code = LEVEL_CODE[l];
    if (code === undefined) throw new Error(`Unknown level: ${String(l)}`);
    mask |= 1 << code;
  }
  return mask === (1 << LEVEL_COUNT) - 1 ? 0 : mask;
}
