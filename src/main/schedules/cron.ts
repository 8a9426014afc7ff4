import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { OpsError } from '../../shared/errors.ts';

const FIELDS = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** An IANA time zone the runtime knows ("UTC", "Europe/Berlin"); throws a message naming the field. */
export function checkTimeZone(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new OpsError('invalid_input', `tz: "${tz}" is not a time zone (use an IANA name such as UTC, Europe/Berlin or America/New_York)`);
  }
}

/**
 * Validates a five-field cron line (minute hour day-of-month month day-of-week, as crontab and
 * Kubernetes CronJobs take it) and returns it normalised. Seconds fields and @-macros are refused
 * so that what is shown is what crontab would do.
 */
export function checkCron(cron: string): string {
  const line = cron.trim().replace(/\s+/g, ' ');
  if (!line) throw new OpsError('invalid_input', 'cron: empty; expected five fields: minute hour day-of-month month day-of-week (e.g. "0 2 * * *")');
  if (line.startsWith('@')) throw new OpsError('invalid_input', `cron: "${line}" — write the five fields instead of a macro (e.g. "0 0 * * *" for @daily)`);
  const parts = line.split(' ');
  if (parts.length !== 5) throw new OpsError('invalid_input', `cron: "${line}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; expected five: minute hour day-of-month month day-of-week (e.g. "30 */4 * * *")`);
  parts.forEach((p, i) => {
    if (!/^[0-9A-Za-z*/,\-?LW#]+$/.test(p)) throw new OpsError('invalid_input', `cron: ${FIELDS[i]} field "${p}" has characters cron does not use`);
  });
  try {
    CronExpressionParser.parse(line, { tz: 'UTC', strict: false }).next();
  } catch (e) {
    throw new OpsError('invalid_input', `cron: "${line}" is not valid: ${explain((e as Error).message)}`);
  }
  return line;
}

function explain(message: string): string {
  const m = /got value (\S+) expected range (\S+)/.exec(message);
  if (m) return `value ${m[1]} is out of range ${m[2]}`;
  return message.replace(/^Invalid /, 'invalid ').replace(/, got value:/, ':');
}

function expression(cron: string, tz: string, from: Date): CronExpression {
  return CronExpressionParser.parse(cron, { tz, currentDate: from });
}

/** The next `count` ticks strictly after `from`. */
export function nextTicks(cron: string, tz: string, from: Date, count: number): Date[] {
  const e = expression(cron, tz, from);
  const out: Date[] = [];
  for (let i = 0; i < count && e.hasNext(); i++) out.push(e.next().toDate());
  return out;
}

/** Ticks in (after, until], oldest first, at most `max` (the newest ones when there are more). */
export function ticksBetween(cron: string, tz: string, after: Date, until: Date, max = 1000): { ticks: Date[]; dropped: number } {
  if (until <= after) return { ticks: [], dropped: 0 };
  const e = expression(cron, tz, after);
  const ticks: Date[] = [];
  let dropped = 0;
  while (e.hasNext()) {
    const t = e.next().toDate();
    if (t > until) break;
    ticks.push(t);
    if (ticks.length > max) {
      ticks.shift();
      dropped++;
    }
  }
  return { ticks, dropped };
}

const two = (n: string) => n.padStart(2, '0');
const num = (s: string) => /^\d+$/.test(s);

/** A short English reading of the common shapes; the raw line otherwise. */
export function describeCron(cron: string, tz: string): string {
  const [m, h, dom, mon, dow] = cron.split(' ') as [string, string, string, string, string];
  const zone = ` (${tz})`;
  const at = num(m) && num(h) ? `at ${two(h)}:${two(m)}` : null;
  if (mon === '*') {
    if (at && dom === '*' && dow === '*') return `${at} every day${zone}`;
    if (at && dom === '*' && num(dow)) return `${at} every ${DAYS[Number(dow)]}${zone}`;
    if (at && num(dom) && dow === '*') return `${at} on day ${dom} of every month${zone}`;
    if (dom === '*' && dow === '*') {
      const everyH = /^\*\/(\d+)$/.exec(h);
      if (num(m) && everyH) return `at minute ${m} of every ${everyH[1]} hours${zone}`;
      if (num(m) && h === '*') return `at minute ${m} of every hour${zone}`;
      const everyM = /^\*\/(\d+)$/.exec(m);
      if (everyM && h === '*') return `every ${everyM[1]} minutes${zone}`;
      if (m === '*' && h === '*') return `every minute${zone}`;
    }
  }
  return `cron "${cron}"${zone}`;
}
