// A lexical scan of SQL (comments, strings, quoted identifiers, dollar quotes, $n
// placeholders) — enough to count statements and read leading keywords. It is not a
// parser: the read-only transaction is the guard against writes, this only catches
// obvious misuse early and gives clearer messages.

export type TokenKind = 'word' | 'ident' | 'param' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** Words lower-cased; quoted identifiers unquoted; params without "$". */
  text: string;
  pos: number;
}

const isWordStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);

/**
 * Decodes the body of a U&"…" identifier or U&'…' string: \XXXX, \+XXXXXX and a doubled
 * escape character (UESCAPE may choose another one than backslash). Postgres reads
 * U&"\0070g_advisory_lock" as pg_advisory_lock, so the guard must too.
 */
export function decodeUnicodeEscapes(body: string, escape = '\\'): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== escape) {
      out += c;
      continue;
    }
    if (body[i + 1] === escape) {
      out += escape;
      i++;
    } else if (body[i + 1] === '+' && /^[0-9A-Fa-f]{6}$/.test(body.slice(i + 2, i + 8))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 8), 16));
      i += 7;
    } else if (/^[0-9A-Fa-f]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += c;
  }
  return out;
}
const isWordChar = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Splits SQL into tokens, grouped per statement (split on top-level semicolons). */
export function scanStatements(sql: string): Token[][] {
  const statements: Token[][] = [[]];
  const push = (t: Token) => statements.at(-1)!.push(t);
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      // Block comments nest in Postgres.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if ((c === 'U' || c === 'u') && next === '&' && (sql[i + 2] === '"' || sql[i + 2] === "'")) {
      // U&"…" / U&'…' with an optional UESCAPE 'c' clause.
      const start = i;
      const quote = sql[i + 2]!;
      let body = '';
      i += 3;
      while (i < n) {
        if (sql[i] === quote && sql[i + 1] === quote) {
          body += quote;
          i += 2;
        } else if (sql[i] === quote) break;
        else body += sql[i++];
      }
      i++;
      let escape = '\\';
      const clause = /^\s*uescape\s*'([^'])'/i.exec(sql.slice(i));
      if (clause) {
        escape = clause[1]!;
        i += clause[0].length;
      }
      const text = decodeUnicodeEscapes(body, escape);
      push(quote === '"' ? { kind: 'ident', text, pos: start } : { kind: 'string', text: sql.slice(start, i), pos: start });
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const start = i;
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      push({ kind: 'string', text: sql.slice(start, i), pos: start });
    } else if (c === '"') {
      const start = i;
      let text = '';
      i++;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') {
          text += '"';
          i += 2;
        } else if (sql[i] === '"') break;
        else text += sql[i++];
      }
      i++;
      push({ kind: 'ident', text, pos: start });
    } else if (c === '$' && next !== undefined && /[0-9]/.test(next)) {
      const start = i++;
      while (i < n && /[0-9]/.test(sql[i]!)) i++;
      push({ kind: 'param', text: sql.slice(start + 1, i), pos: start });
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end === -1 ? n : end + tag[0].length;
        push({ kind: 'string', text: sql.slice(i, stop), pos: i });
        i = stop;
      } else {
        push({ kind: 'punct', text: c, pos: i++ });
      }
    } else if (isWordStart(c)) {
      const start = i;
      while (i < n && isWordChar(sql[i]!)) i++;
      push({ kind: 'word', text: sql.slice(start, i).toLowerCase(), pos: start });
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      const start = i;
      while (i < n && /[0-9.eE_]/.test(sql[i]!)) i++;
      push({ kind: 'number', text: sql.slice(start, i), pos: start });
    } else if (c === ';') {
      statements.push([]);
      i++;
    } else {
      push({ kind: 'punct', text: c, pos: i++ });
    }
  }
  return statements.filter((s) => s.length > 0);
}

export interface FunctionCall {
  /** The qualifying schema, when written ("pg_catalog.lower(…)"). */
  schema: string | null;
  /** As Postgres resolves it: unquoted names lower-cased, quoted (and U&-decoded) names exact. */
  name: string;
  pos: number;
}

/**
 * Every `name(` in a statement: function calls, plus words that only look like one (type
 * modifiers such as varchar(10), aliases with column lists, CTE names). The caller decides
 * by looking the name up; keywords are never functions.
 */
export function functionCalls(tokens: Token[]): FunctionCall[] {
  const calls: FunctionCall[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1]!;
    if ((t.kind !== 'word' && t.kind !== 'ident') || next.kind !== 'punct' || next.text !== '(') continue;
    const dot = tokens[i - 1];
    const qualifier = dot?.kind === 'punct' && dot.text === '.' ? tokens[i - 2] : undefined;
    const schema = qualifier && (qualifier.kind === 'word' || qualifier.kind === 'ident') ? qualifier.text : null;
    calls.push({ schema, name: t.text, pos: t.pos });
  }
  return calls;
}

/** The $n placeholders a statement uses (outside strings and comments). */
export function placeholders(sql: string): Set<number> {
  return new Set(scanStatements(sql).flatMap((s) => s.filter((t) => t.kind === 'param').map((t) => Number(t.text))));
}

/** 1-based line and column of a 1-based character position (as Postgres reports it). */
export function lineAndColumn(sql: string, position: number): { line: number; column: number } {
  const before = sql.slice(0, Math.max(0, position - 1)).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const WRITE_PREPOSITION: Record<string, string> = { insert: 'into', merge: 'into', delete: 'from', update: 'of', truncate: 'of' };
const DML = new Set(['insert', 'update', 'delete', 'merge', 'truncate']);
const MODIFIERS = new Set(['only', 'if', 'not', 'exists', 'table', 'into', 'from', 'concurrently', 'unique', 'temp', 'temporary', 'unlogged', 'or', 'replace', 'materialized', 'recursive']);

/** A possibly qualified name starting at `from`, skipping modifier words ("IF NOT EXISTS", "ONLY"). */
function objectName(tokens: Token[], from: number, skip: Set<string>): string | null {
  let i = from;
  while (i < tokens.length && tokens[i]!.kind === 'word' && (skip.has(tokens[i]!.text) || MODIFIERS.has(tokens[i]!.text))) i++;
  const parts: string[] = [];
  while (i < tokens.length && (tokens[i]!.kind === 'word' || tokens[i]!.kind === 'ident')) {
    parts.push(tokens[i]!.text);
    if (tokens[i + 1]?.kind === 'punct' && tokens[i + 1]!.text === '.') i += 2;
    else break;
  }
  return parts.length ? parts.join('.') : null;
}

/**
 * Names what a refused write targeted, from the SQL: "DELETE from pull_requests",
 * "CREATE TABLE scratch". `verb` is what Postgres reported ("INSERT", "CREATE TABLE",
 * "SELECT" for a writable CTE, "nextval()").
 */
export function describeWrite(sql: string, verb: string): string {
  const tokens = scanStatements(sql).flat();
  const first = verb.split(/\s+/)[0]!.toLowerCase();
  // A writable CTE is reported as the outer statement (plain "SELECT"): name the DML inside it.
  const cte = verb.trim().toLowerCase() === 'select';
  const at = DML.has(first) ? tokens.findIndex((t) => t.kind === 'word' && t.text === first) : cte ? tokens.findIndex((t) => t.kind === 'word' && DML.has(t.text)) : -1;
  if (at >= 0) {
    const keyword = tokens[at]!.text;
    const target = objectName(tokens, at + 1, new Set());
    const what = `${keyword.toUpperCase()}${target ? ` ${WRITE_PREPOSITION[keyword]} ${target}` : ''}`;
    return cte ? `${what} in a WITH clause` : what;
  }
  if (/^(create|drop|alter|refresh)$/.test(first)) {
    const start = tokens.findIndex((t) => t.kind === 'word' && t.text === first);
    const target = start >= 0 ? objectName(tokens, start + 1, new Set(verb.toLowerCase().split(/\s+/))) : null;
    if (!target || target === 'on') return verb;
    // "CREATE TABLE AS" → "CREATE TABLE t AS …"
    return / AS$/i.test(verb) ? `${verb.slice(0, -3)} ${target} AS …` : `${verb} ${target}`;
  }
  return verb;
}
