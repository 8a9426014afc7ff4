import { parseArgs } from 'node:util';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { stopSignal } from '../stop-signal.ts';
import { UsageError } from '../usage-error.ts';

export const alertsUsage = `repo-ops alerts list [--all] [--json]             open alerts (--all: recent history too)
repo-ops alerts channels [--json]                  channels with their health (healthy / degraded / unavailable)
repo-ops alerts test <channel>                     send a test notification now (exit 1 if it fails)
repo-ops alerts ack <alert id>                     acknowledge: no more repeats, PagerDuty acknowledged
repo-ops alerts silence key=value... --for 2h --comment TEXT    e.g. service=http:* rule=service-down
repo-ops alerts deliveries [--channel ID] [--status failed] [--json]
repo-ops alerts retry-failed [--channel ID]        queue failed deliveries again
repo-ops alerts deliver                            deliver what is queued now and exit (cron)
repo-ops alerts run                                the alerting agent: scheduled health checks, rules, delivery,
                                                   until SIGINT/SIGTERM (run it where no console stays open)`;

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;

export async function alertsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { all: { type: 'boolean' }, json: { type: 'boolean' }, for: { type: 'string' }, comment: { type: 'string' }, channel: { type: 'string' }, status: { type: 'string' } },
  });
  const [sub, ...rest] = positionals;
  const subs = ['list', 'channels', 'test', 'ack', 'silence', 'deliveries', 'retry-failed', 'deliver', 'run'];
  if (!sub || !subs.includes(sub)) throw new UsageError(`give one of: ${subs.join(', ')}`);
  if ((sub === 'test' || sub === 'ack') && rest.length !== 1) throw new UsageError(`alerts ${sub} takes one ${sub === 'test' ? 'channel id' : 'alert id'}`);
  if (sub === 'ack' && !/^\d+$/.test(rest[0]!)) throw new UsageError(`alert id must be a number, got "${rest[0]}"`);
  let silence: { matchers: Record<string, string>; endsAt: string; comment: string } | undefined;
  if (sub === 'silence') {
    if (!rest.length) throw new UsageError('give at least one matcher, as key=value');
    const matchers: Record<string, string> = {};
    for (const m of rest) {
      const i = m.indexOf('=');
      if (i < 1) throw new UsageError(`matcher "${m}" is not key=value`);
      matchers[m.slice(0, i)] = m.slice(i + 1);
    }
    const d = DURATION.exec(values.for ?? '');
    if (!d) throw new UsageError('--for takes a duration such as 30m, 2h or 1d');
    if (!values.comment?.trim()) throw new UsageError('--comment says why (it goes to the audit log)');
    const ms = Number(d[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[d[2] as 's']!;
    silence = { matchers, endsAt: new Date(Date.now() + ms).toISOString(), comment: values.comment };
  }
  const daemon = sub === 'run';
  const ctx = await openCore('cli', { env: daemon ? { REPO_OPS_ALERTS_DAEMON: '1' } : {} });
  try {
    const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
    switch (sub) {
      case 'list': {
        const alerts = await ctx.ops.alerts.list({ state: values.all ? 'all' : 'open' });
        if (values.json) return (out(alerts), 0);
        if (!alerts.length) process.stdout.write('No open alerts.\n');
        else process.stdout.write(table([['ID', 'SEV', 'STATE', 'RULE', 'LABELS', 'SINCE', 'ACK'], ...alerts.map((a) => [String(a.id), a.severity, a.silencedBy ? `${a.state} (silenced)` : a.state, a.ruleName, Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(' '), a.firedAt ?? a.pendingSince ?? '-', a.acknowledgedBy ?? '-'])]) + '\n');
        return 0;
      }
      case 'channels': {
        const channels = await ctx.ops.alerts.channels();
        if (values.json) return (out(channels), 0);
        if (!channels.length) process.stdout.write('No channels: add one in Settings → Alert channels.\n');
        else process.stdout.write(table([['ID', 'TYPE', 'SEVERITIES', 'HEALTH', 'PENDING', 'FAILED 24H', 'LAST ERROR'], ...channels.map((c) => [c.id, c.type, c.severities.join(',') || '-', c.health.label, String(c.health.pending + c.health.retrying), String(c.health.failed24h), c.health.lastError ?? '-'])]) + '\n');
        return 0;
      }
      case 'test': {
        const r = await ctx.ops.alerts.testChannel({ id: rest[0]! });
        process.stdout.write(r.ok ? `Delivered to ${rest[0]} in ${r.ms} ms${r.responseCode ? ` (${r.responseCode})` : ''}.\n` : `Not delivered to ${rest[0]}: ${r.error}\n`);
        return r.ok ? 0 : 1;
      }
      case 'ack': {
        const a = await ctx.ops.alerts.acknowledge({ id: Number(rest[0]) });
        process.stdout.write(`Acknowledged alert ${a.id} (${a.ruleName}) as ${a.acknowledgedBy}.\n`);
        return 0;
      }
      case 'silence': {
        const s = await ctx.ops.alerts.silence(silence!);
        process.stdout.write(`Silence ${s.id} until ${s.endsAt}.\n`);
        return 0;
      }
      case 'deliveries': {
        const status = values.status as 'pending' | 'retrying' | 'delivered' | 'failed' | undefined;
        const rows = await ctx.ops.alerts.deliveries({ channelId: values.channel, status });
        if (values.json) return (out(rows), 0);
        process.stdout.write(table([['ID', 'CHANNEL', 'STATUS', 'ATTEMPTS', 'CODE', 'TITLE', 'ERROR'], ...rows.map((d) => [String(d.id), d.channelId, d.status, String(d.attempts), d.responseCode === null ? '-' : String(d.responseCode), d.title, d.lastError ?? ''])]) + '\n');
        return 0;
      }
      case 'retry-failed': {
        const r = await ctx.ops.alerts.retryFailed({ channelId: values.channel });
        process.stdout.write(`${r.requeued} failed deliveries queued again.\n`);
        return 0;
      }
      case 'deliver': {
        await ctx.core.alerts.pool(true);
        await ctx.core.alerts.deliverer.flush(Number(process.env.REPO_OPS_ALERT_FLUSH_MS) || 30_000);
        const left = (await ctx.ops.alerts.channels()).filter((c) => c.type !== 'desktop').reduce((n, c) => n + c.health.pending + c.health.retrying, 0);
        process.stdout.write(left ? `${left} notifications still queued (retrying later).\n` : 'Outbox empty.\n');
        return left ? 1 : 0;
      }
      case 'run': {
        await ctx.core.alerts.pool(true);
        ctx.core.health.startScheduler();
        const stopped = stopSignal();
        process.stderr.write(`Repo Ops alerting agent: health every ${ctx.core.settings.get().healthIntervalMinutes} min, rules and delivery running (pid ${process.pid}). Ctrl+C stops.\n`);
        await stopped;
        return 0;
      }
    }
    return 2;
  } finally {
    await ctx.close();
  }
}
