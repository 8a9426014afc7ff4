// Parameter values checked against their declared type and bound positionally ($1 …).
// Binding already makes injection impossible; the checks give messages that name the
// parameter instead of a Postgres cast error.
import { OpsError } from '../../shared/errors.ts';
import { PARAM_TYPES, type ParamType, type QueryParam } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNIT = '(?:microseconds?|milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|months?|mons?|years?|yrs?|y)';
// "90 days", "1 day 2 hours", "1.5 hours", or ISO 8601 "P1DT2H".
const INTERVAL_WORDS = new RegExp(`^\\d{1,6}(?:\\.\\d{1,6})?\\s*${UNIT}(?:\\s+\\d{1,6}(?:\\.\\d{1,6})?\\s*${UNIT})*$`, 'i');
const INTERVAL_ISO = /^P(?=\d|T\d)(?:\d{1,6}Y)?(?:\d{1,6}M)?(?:\d{1,6}W)?(?:\d{1,6}D)?(?:T(?=\d)(?:\d{1,6}H)?(?:\d{1,6}M)?(?:\d{1,6}(?:\.\d{1,6})?S)?)?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NAME = /^[a-z_][a-z0-9_]{0,62}$/i;
const MAX_TEXT = 10_000;

const TYPE_HELP: Record<ParamType, string> = {
  repository: 'a repository id (a uuid such as 3f1c…-…)',
  text: `text (at most ${MAX_TEXT} characters)`,
  int: 'a whole number',
  interval: 'an interval such as "30 days", "1 day 2 hours" or "PT15M"',
  date: 'a date as YYYY-MM-DD',
};

const describe = (p: QueryParam) => (p.label && p.label !== p.name ? `"${p.name}" (${p.label})` : `"${p.name}"`);
const shown = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

/** The value as sent to Postgres (text; the SQL casts it), or an error message without the parameter name. */
function coerce(type: ParamType, value: unknown): { ok: string } | { error: string } {
  switch (type) {
    case 'repository': {
      const s = typeof value === 'string' ? value.trim() : '';
      return UUID.test(s) ? { ok: s.toLowerCase() } : { error: `must be ${TYPE_HELP.repository}` };
    }
    case 'text': {
      if (typeof value !== 'string' && typeof value !== 'number') return { error: `must be ${TYPE_HELP.text}` };
      const s = String(value);
      if (s.length > MAX_TEXT) return { error: `must be at most ${MAX_TEXT} characters` };
      if (s.includes('\u0000')) return { error: 'must not contain NUL characters' };
      return { ok: s };
    }
    case 'int': {
      const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
      const n = Number(s);
      return /^-?\d+$/.test(s) && Number.isSafeInteger(n) ? { ok: String(n) } : { error: `must be ${TYPE_HELP.int}` };
    }
    case 'interval': {
      const s = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
      return INTERVAL_WORDS.test(s) || INTERVAL_ISO.test(s) ? { ok: s } : { error: `must be ${TYPE_HELP.interval}` };
    }
    case 'date': {
      const s = typeof value === 'string' ? value.trim() : '';
      const m = DATE.exec(s);
      if (!m) return { error: `must be ${TYPE_HELP.date}` };
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return d.toISOString().slice(0, 10) === s ? { ok: s } : { error: `is not a calendar date` };
    }
  }
}

/**
 * Validates values by parameter name and returns them in $1… order. Missing values take
 * the declared default; unknown names are refused (a typo should not silently use a default).
 */
export function bindParams(declared: QueryParam[], values: Record<string, unknown> = {}, label?: string): string[] {
  const where = label ? ` for "${label}"` : '';
  const known = new Set(declared.map((p) => p.name));
  const unknown = Object.keys(values).filter((k) => !known.has(k));
  if (unknown.length) {
    const takes = declared.length ? `it takes ${declared.map((p) => p.name).join(', ')}` : 'it takes none';
    throw new OpsError('invalid_input', `Unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}${where}: ${takes}.`);
  }
  return declared.map((p) => {
    const given = values[p.name];
    const value = given === undefined || given === null || given === '' ? p.default : given;
    if (value === undefined) throw new OpsError('invalid_input', `Parameter ${describe(p)}${where} is required: give ${TYPE_HELP[p.type]}.`);
    const r = coerce(p.type, value);
    if ('error' in r) throw new OpsError('invalid_input', `Parameter ${describe(p)}${where} ${r.error}; got "${shown(value)}".`);
    return r.ok;
  });
}

/** Checks declarations (saved queries): names, types, labels, defaults, and that $1…$n match them. */
export function validateDeclaredParams(declared: QueryParam[], used: Set<number>): void {
  if (!Array.isArray(declared)) throw new OpsError('invalid_input', 'Parameters must be a list.');
  if (declared.length > 20) throw new OpsError('invalid_input', 'A query takes at most 20 parameters.');
  const seen = new Set<string>();
  declared.forEach((p, i) => {
    const at = `Parameter ${i + 1}`;
    if (!p || typeof p.name !== 'string' || !NAME.test(p.name)) throw new OpsError('invalid_input', `${at} needs a name of letters, digits and underscores (starting with a letter), got "${shown(p?.name ?? '')}".`);
    if (seen.has(p.name.toLowerCase())) throw new OpsError('invalid_input', `Parameter name "${p.name}" is declared twice.`);
    seen.add(p.name.toLowerCase());
    if (!PARAM_TYPES.includes(p.type)) throw new OpsError('invalid_input', `${at} ("${p.name}") has type "${shown(p.type)}": use one of ${PARAM_TYPES.join(', ')}.`);
    if (typeof p.label !== 'string' || !p.label.trim() || p.label.length > 100) throw new OpsError('invalid_input', `${at} ("${p.name}") needs a label of 1–100 characters.`);
    if (p.default !== undefined) {
      const r = coerce(p.type, p.default);
      if ('error' in r) throw new OpsError('invalid_input', `The default of parameter ${describe(p)} ${r.error}; got "${shown(p.default)}".`);
    }
  });
  const max = Math.max(0, ...used);
  if (max > declared.length) throw new OpsError('invalid_input', `The SQL uses $${max} but ${declared.length === 0 ? 'no parameters are' : declared.length === 1 ? 'only 1 parameter is' : `only ${declared.length} parameters are`} declared.`);
  declared.forEach((p, i) => {
    if (!used.has(i + 1)) throw new OpsError('invalid_input', `Parameter ${describe(p)} is declared as $${i + 1}, but the SQL does not use $${i + 1}.`);
  });
}
