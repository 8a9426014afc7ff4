import { parseArgs } from 'node:util';
import type { Schedule } from '../../../shared/contract/schedules.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const scheduleUsage = `repo-ops schedule list [--json]                     schedules with next tick and last outcome
repo-ops schedule presets [--json]                  the runbooks' cron lines offered as presets
repo-ops schedule apply <preset-id> [--disabled]    create the schedule of a preset
repo-ops schedule add --name NAME --kind KIND --cron "M H DOM MON DOW" [--tz ZONE] [--params JSON]
                      [--policy Forbid|Replace|Allow] [--starting-deadline S] [--active-deadline S] [--catch-up skip|run_once] [--disabled]
repo-ops schedule remove|enable|disable <id>
repo-ops schedule run-now <id> [--wait]             run it now (a manual tick; the concurrency policy applies)
repo-ops schedule history <id> [--limit N] [--json] every tick: requested, skipped, missed, failed — with its run
repo-ops schedule export --crontab                  equivalent crontab lines, for teams that prefer system cron`;

const int = (v: string | undefined, flag: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a positive whole number of seconds, got "${v}"`);
  return n;
};

const outcome = (s: Schedule) => (s.lastTick ? `${s.lastTick.status}${s.lastTick.runStatus ? ` (${s.lastTick.runStatus})` : ''} ${s.lastTick.scheduledFor.slice(0, 16).replace('T', ' ')}` : '—');

/** A crontab line that runs the schedule through the console's ledger, so history and Forbid still hold. */
export function crontabLines(schedules: Schedule[]): string {
  const lines = ['# Repo Ops schedules as crontab lines. Disable them in the console (repo-ops schedule disable <id>) when system cron runs them.'];
  let tz = '';
  for (const s of schedules) {
    if (s.tz !== tz) {
      lines.push(`CRON_TZ=${s.tz}`);
      tz = s.tz;
    }
    lines.push(`# ${s.name}${s.enabled ? '' : ' (disabled in the console)'}${s.source ? ` — replaces: ${s.source.replace(/\n/g, ' ')}` : ''}`);
    lines.push(`${s.cron} repo-ops schedule run-now ${s.id} --wait >> "$HOME/repo-ops-cron.log" 2>&1`);
  }
  return lines.join('\n') + '\n';
}

export async function scheduleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      name: { type: 'string' },
      kind: { type: 'string' },
      cron: { type: 'string' },
      tz: { type: 'string' },
      params: { type: 'string' },
      policy: { type: 'string' },
      'starting-deadline': { type: 'string' },
      'active-deadline': { type: 'string' },
      'catch-up': { type: 'string' },
      disabled: { type: 'boolean' },
      wait: { type: 'boolean' },
      limit: { type: 'string' },
      crontab: { type: 'boolean' },
    },
  });
  const [sub, id] = positionals;
  const subs = ['list', 'presets', 'apply', 'add', 'remove', 'enable', 'disable', 'run-now', 'history', 'export'];
  if (!sub || !subs.includes(sub)) throw new UsageError(`give one of: ${subs.join(', ')}`);
  if (['apply', 'remove', 'enable', 'disable', 'run-now', 'history'].includes(sub) && !id) throw new UsageError(`schedule ${sub} needs an id`);
  if (sub === 'export' && !values.crontab) throw new UsageError('export --crontab is the one export format');
  let params: unknown = {};
  if (values.params !== undefined) {
    try {
      params = JSON.parse(values.params);
    } catch {
      throw new UsageError(`--params takes a JSON object, e.g. '{"staleHours": 24}', got ${values.params}`);
    }
  }
  const ctx = await openCore('cli');
  const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
  try {
    const ops = ctx.ops.schedules;
    switch (sub) {
      case 'list': {
        const rows = await ops.list();
        if (values.json) return (out(rows), 0);
        if (!rows.length) process.stdout.write('No schedules yet: `repo-ops schedule presets` lists the runbooks’ cron lines, `repo-ops schedule apply <id>` adds one.\n');
        else process.stdout.write(table([['ID', 'NAME', 'KIND', 'CRON', 'TZ', 'POLICY', 'STATE', 'NEXT', 'LAST'], ...rows.map((s) => [s.id, s.name, s.kind, s.cron, s.tz, s.concurrencyPolicy, s.enabled ? 'enabled' : 'paused', s.nextTicks[0]?.slice(0, 16).replace('T', ' ') ?? '—', outcome(s)])]) + '\n');
        return 0;
      }
      case 'presets': {
        const rows = await ops.presets();
        if (values.json) return (out(rows), 0);
        process.stdout.write(table([['ID', 'KIND', 'CRON', 'WHEN', 'APPLIED', 'REPLACES'], ...rows.map((p) => [p.id, p.kind, p.cron, p.description, p.applied ? 'yes' : '', p.source.slice(0, 90)])]) + '\n');
        return 0;
      }
      case 'apply': {
        const s = await ops.applyPreset({ presetId: id!, enabled: !values.disabled });
        process.stdout.write(`Schedule ${s.id} created: ${s.kind} ${s.description}; next ${s.nextTicks[0] ?? '— (paused)'}\n`);
        return 0;
      }
      case 'add': {
        if (!values.name || !values.kind || !values.cron) throw new UsageError('add needs --name, --kind and --cron');
        const s = await ops.add({
          name: values.name,
          kind: values.kind,
          cron: values.cron,
          params,
          ...(values.tz ? { tz: values.tz } : {}),
          ...(values.policy ? { concurrencyPolicy: values.policy as 'Forbid' } : {}),
          startingDeadlineSeconds: int(values['starting-deadline'], '--starting-deadline') ?? null,
          activeDeadlineSeconds: int(values['active-deadline'], '--active-deadline') ?? null,
          ...(values['catch-up'] ? { catchUp: values['catch-up'] as 'skip' } : {}),
          enabled: !values.disabled,
        });
        process.stdout.write(`Schedule ${s.id} created: ${s.kind} ${s.description}; next ${s.nextTicks.slice(0, 3).join(', ') || '— (paused)'}\n`);
        return 0;
      }
      case 'remove':
        await ops.remove({ id: id! });
        process.stdout.write(`Schedule ${id} removed.\n`);
        return 0;
      case 'enable':
      case 'disable': {
        const s = await ops.setEnabled({ id: id!, enabled: sub === 'enable' });
        process.stdout.write(`Schedule ${s.id} ${s.enabled ? `enabled; next ${s.nextTicks[0]}` : 'paused'}.\n`);
        return 0;
      }
      case 'run-now': {
        const { tick, run } = await ops.runNow({ id: id! });
        if (!run) {
          process.stdout.write(`Not started: ${tick.reason}\n`);
          return tick.status === 'skipped' ? 0 : 1;
        }
        process.stdout.write(`Run ${run.id} started (${run.title}).\n`);
        if (!values.wait) return 0;
        const done = await ctx.core.jobs.wait(run.id);
        await ctx.core.schedules.refreshRuns();
        process.stdout.write(`Run ${done.id} ${done.status}${done.error ? `: ${done.error}` : ''}.\n`);
        return done.status === 'succeeded' ? 0 : 1;
      }
      case 'history': {
        const rows = await ops.history({ id: id!, limit: int(values.limit, '--limit') ?? 50 });
        if (values.json) return (out(rows), 0);
        process.stdout.write(table([['TICK', 'TRIGGER', 'STATUS', 'RUN', 'RUN STATUS', 'BY', 'REASON'], ...rows.map((t) => [t.scheduledFor, t.trigger, t.status, t.runId ?? '—', t.runStatus ?? '—', t.decidedBy, `${t.deadlineExceeded ? '[deadline] ' : ''}${t.reason ?? ''}`])]) + '\n');
        return 0;
      }
      case 'export':
        process.stdout.write(crontabLines(await ops.list()));
        return 0;
    }
    return 2;
  } finally {
    await ctx.close();
  }
}
