import { describe, expect, it } from 'vitest';
import { checkCron, checkTimeZone, describeCron, nextTicks, ticksBetween } from '../../../src/main/schedules/cron.ts';
import { planTicks } from '../../../src/main/schedules/policy.ts';

const at = (s: string) => new Date(s);
const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe('cron lines', () => {
  it('accepts every cron line of the runbooks and reads the common shapes', () => {
    for (const line of ['0 2 * * *', '0 3 * * 0', '0 1 1 * *', '0 0 * * 0', '*/5 * * * *', '0 */6 * * *', '30 */4 * * *', '0 0 * * *', '0 4 1 * *']) expect(checkCron(line)).toBe(line);
    expect(describeCron('0 2 * * *', 'UTC')).toBe('at 02:00 every day (UTC)');
    expect(describeCron('0 3 * * 0', 'UTC')).toBe('at 03:00 every Sunday (UTC)');
    expect(describeCron('0 1 1 * *', 'UTC')).toBe('at 01:00 on day 1 of every month (UTC)');
    expect(describeCron('30 */4 * * *', 'Europe/Berlin')).toBe('at minute 30 of every 4 hours (Europe/Berlin)');
    expect(describeCron('*/5 * * * *', 'UTC')).toBe('every 5 minutes (UTC)');
    expect(describeCron('0 9 * 1-6 1-5', 'UTC')).toBe('cron "0 9 * 1-6 1-5" (UTC)');
    expect(checkCron('  0   2 * *  * ')).toBe('0 2 * * *');
  });

  it('refuses bad lines and zones with a message naming what is wrong', () => {
    expect(() => checkCron('')).toThrow(/cron: empty; expected five fields/);
    expect(() => checkCron('* * * *')).toThrow(/has 4 fields; expected five: minute hour day-of-month month day-of-week/);
    expect(() => checkCron('0 0 2 * * *')).toThrow(/has 6 fields/);
    expect(() => checkCron('61 * * * *')).toThrow(/cron: "61 \* \* \* \*" is not valid: value 61 is out of range 0-59/);
    expect(() => checkCron('0 25 * * *')).toThrow(/value 25 is out of range 0-23/);
    expect(() => checkCron('@daily')).toThrow(/write the five fields instead of a macro/);
    expect(() => checkCron('0 2 * * *; rm -rf /')).toThrow(/cron: /);
    expect(() => checkCron('a b c d e')).toThrow(/cron: "a b c d e" is not valid/);
    expect(() => checkCron('0 0 31 2 *')).toThrow(/is not valid/);
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/tz: "Mars\/Olympus" is not a time zone/);
    expect(checkTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  });

  it('computes next ticks in a time zone, across a DST change', () => {
    // 02:00 Berlin does not exist on 2026-03-29: the tick moves to 03:00 CEST (01:00 UTC), as cron does.
    expect(iso(nextTicks('0 2 * * *', 'Europe/Berlin', at('2026-03-27T12:00:00Z'), 3))).toEqual(['2026-03-28T01:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z']);
    expect(iso(nextTicks('30 */4 * * *', 'UTC', at('2026-01-01T00:30:00Z'), 2))).toEqual(['2026-01-01T04:30:00.000Z', '2026-01-01T08:30:00.000Z']);
    const between = ticksBetween('*/5 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-01T00:20:00Z'));
    expect(iso(between.ticks)).toEqual(['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z', '2026-01-01T00:20:00.000Z']);
    const capped = ticksBetween('* * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), 10);
    expect(capped.ticks).toHaveLength(10);
    expect(capped.dropped).toBe(1440 - 10);
    expect(capped.ticks.at(-1)!.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });
});

describe('tick decisions', () => {
  const base = { now: at('2026-01-01T02:00:30Z'), startingDeadlineSeconds: null, catchUp: 'skip' as const, concurrencyPolicy: 'Forbid' as const, activeRunId: null };

  it('runs an on-time tick', () => {
    expect(planTicks({ ...base, due: [at('2026-01-01T02:00:00Z')] })).toEqual([{ at: at('2026-01-01T02:00:00Z'), trigger: 'cron', action: 'run', reason: null }]);
  });

  it('Forbid skips a tick while the previous run goes, with the reason; Replace and Allow run it', () => {
    const due = [at('2026-01-01T02:00:00Z')];
    expect(planTicks({ ...base, due, activeRunId: 'r1' })[0]).toMatchObject({ action: 'skip', reason: 'Skipped: the previous run r1 is still going (concurrency policy Forbid)' });
    expect(planTicks({ ...base, due, activeRunId: 'r1', concurrencyPolicy: 'Replace' })[0]).toMatchObject({ action: 'run', replaces: 'r1', reason: expect.stringMatching(/Replaced the previous run r1/) });
    expect(planTicks({ ...base, due, activeRunId: 'r1', concurrencyPolicy: 'Allow' })[0]).toMatchObject({ action: 'run', reason: null });
  });

  it('ticks past the starting deadline are missed; catch-up run_once runs the newest of them once', () => {
    const due = ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z'].map(at);
    const now = at('2026-01-01T02:10:00Z');
    const skip = planTicks({ ...base, now, due, dropped: 2 });
    expect(skip.map((d) => d.action)).toEqual(['miss', 'miss', 'miss']);
    expect(skip[2]!.reason).toMatch(/^Missed: not started within 120 s of 2026-01-01 02:00 UTC \(600 s late; no worker was up\); catch-up policy skip$/);
    const once = planTicks({ ...base, now, due, dropped: 2, catchUp: 'run_once' });
    expect(once.map((d) => [d.action, d.trigger])).toEqual([['miss', 'cron'], ['miss', 'cron'], ['run', 'catch_up']]);
    expect(once[2]!.reason).toBe('Catch-up run for 5 missed ticks (catch-up policy run_once)');
    // A longer starting deadline makes the same tick on time.
    expect(planTicks({ ...base, now, due: [due[2]!], startingDeadlineSeconds: 900 })[0]).toMatchObject({ action: 'run', trigger: 'cron' });
    // With an on-time tick among them, that one runs and the late ones stay missed.
    const mixed = planTicks({ ...base, now: at('2026-01-01T02:00:10Z'), due, catchUp: 'run_once' });
    expect(mixed.map((d) => [d.action, d.trigger])).toEqual([['miss', 'cron'], ['miss', 'cron'], ['run', 'cron']]);
  });

  it('several due ticks in one pass: under Forbid only the first runs', () => {
    const due = ['2026-01-01T02:00:00Z', '2026-01-01T02:01:00Z'].map(at);
    const plan = planTicks({ ...base, now: at('2026-01-01T02:01:05Z'), due });
    expect(plan.map((d) => d.action)).toEqual(['run', 'skip']);
    expect(planTicks({ ...base, now: at('2026-01-01T02:01:05Z'), due, concurrencyPolicy: 'Allow' }).map((d) => d.action)).toEqual(['run', 'run']);
  });
});
