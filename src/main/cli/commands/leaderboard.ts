import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVENT_TYPES, type EventType, type LeaderboardView } from '../../../shared/contract/leaderboard.ts';
import { openCore } from '../context.ts';
import { table } from '../output.ts';
import { followJob } from '../progress.ts';
import { UsageError } from '../usage-error.ts';

export const leaderboardUsage = `repo-ops leaderboard recalc [owner/name | --global] [--full] [--no-scrape]
    scrape windows from the warehouse, then recalculate (incremental unless --full: the last 730 days and every pair)
repo-ops leaderboard show owner/name|--global [--top N] [--offset N] [--search TEXT] [--json]
repo-ops leaderboard contributor USERNAME [--repo owner/name] [--json]   score breakdown, repositories, rank history
repo-ops leaderboard export owner/name|--global [--search TEXT] [--out FILE]   the board as CSV
repo-ops leaderboard windows [owner/name] [--limit N] [--json]              scrape windows, newest first
repo-ops leaderboard weights [--set TYPE=POINTS]... [--json]   show or change scoring weights (audited; starts a full recalculation)
    types: ${EVENT_TYPES.join(', ')}
repo-ops leaderboard refresh-stale [--hours N]     sync repositories not synced for N hours (default 6; refused over a GitHub budget), then update them
repo-ops leaderboard cleanup                       retention: events past the full window, rank history > 90 days, scrape windows > 365 days
  Exit codes: 0 done, 1 failed or refused, 2 usage.`;

const int = (v: string | undefined, flag: string, min: number) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${v}"`);
  return n;
};

const arrow = (rank: number, prev: number | null) => (prev === null ? 'new' : prev > rank ? `▲${prev - rank}` : prev < rank ? `▼${rank - prev}` : '–');

function render(v: LeaderboardView): string {
  const head = `${v.scope === 'global' ? 'Global leaderboard' : v.repository} — ${v.total} contributors${v.recalculatedAt ? `, recalculated ${v.recalculatedAt}` : ', never recalculated'}`;
  const rows = v.rows.map((r) => [String(r.rank), arrow(r.rank, r.previousRank), r.username, r.totalScore.toFixed(2), ...(v.scope === 'global' ? [String(r.repositories)] : []), ...EVENT_TYPES.map((t) => String(r.counts[t])), `+${r.linesAdded}/-${r.linesDeleted}`]);
  return `${head}\n${table([['RANK', 'MOVE', 'CONTRIBUTOR', 'SCORE', ...(v.scope === 'global' ? ['REPOS'] : []), 'COMMITS', 'PRS', 'MERGED', 'REVIEWS', 'ISSUES', 'CLOSED', 'COMMENTS', 'RELEASES', 'LINES'], ...rows])}\n`;
}

export async function leaderboardCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      global: { type: 'boolean' },
      full: { type: 'boolean' },
      'no-scrape': { type: 'boolean' },
      top: { type: 'string' },
      offset: { type: 'string' },
      search: { type: 'string' },
      repo: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      limit: { type: 'string' },
      set: { type: 'string', multiple: true },
      hours: { type: 'string' },
    },
  });
  const [sub, target, ...rest] = positionals;
  const subs = ['recalc', 'show', 'contributor', 'export', 'windows', 'weights', 'refresh-stale', 'cleanup'];
  if (!sub || !subs.includes(sub)) throw new UsageError(`give one of: ${subs.join(', ')}`);
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (target && values.global) throw new UsageError('give a repository or --global, not both');
  const needsScope = sub === 'show' || sub === 'export';
  if (needsScope && !target && !values.global) throw new UsageError(`leaderboard ${sub} needs a repository (owner/name) or --global`);
  if (sub === 'contributor' && !target) throw new UsageError('leaderboard contributor needs a username');
  const weights: Partial<Record<EventType, number>> = {};
  for (const s of values.set ?? []) {
    const m = /^([a-z_]+)=(\d+(?:\.\d{1,2})?)$/.exec(s.trim());
    if (!m || !(EVENT_TYPES as readonly string[]).includes(m[1]!)) throw new UsageError(`--set takes TYPE=POINTS with TYPE one of ${EVENT_TYPES.join(', ')} and up to two decimals, got "${s}"`);
    weights[m[1] as EventType] = Number(m[2]);
  }
  const top = int(values.top, '--top', 1) ?? 25;
  const offset = int(values.offset, '--offset', 0) ?? 0;
  const limit = int(values.limit, '--limit', 1) ?? 20;
  const hours = values.hours === undefined ? undefined : Number(values.hours);
  if (hours !== undefined && !(Number.isFinite(hours) && hours >= 0)) throw new UsageError(`--hours must be a number ≥ 0, got "${values.hours}"`);
  const repository = sub === 'contributor' ? values.repo : target;

  const ctx = await openCore('cli');
  const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
  const follow = async (run: Parameters<typeof followJob>[0]['run']) => {
    const done = await followJob({ ops: ctx.ops, run });
    if (done.status !== 'succeeded') process.stderr.write(`${run.title} ${done.status}: ${done.error ?? ''}\n`);
    return done;
  };
  try {
    switch (sub) {
      case 'recalc': {
        const done = await follow(await ctx.ops.leaderboard.recalc({ repository, full: Boolean(values.full), scrape: !values['no-scrape'] }));
        if (values.json) out(done);
        else if (done.status === 'succeeded') {
          const r = done.result as { windows: { repository: string; kind: string; eventsFetched: number; eventsNew: number; eventsChanged: number; eventsRemoved: number }[]; recalc: { kind: string; pairsRecomputed: number; rankChanges: number; contributors: number; upgradedBecause: string | null } };
          for (const w of r.windows) process.stdout.write(`${w.repository}: ${w.kind} window, ${w.eventsFetched} events (${w.eventsNew} new, ${w.eventsChanged} changed, ${w.eventsRemoved} removed)\n`);
          process.stdout.write(`Recalculated (${r.recalc.kind}${r.recalc.upgradedBecause ? `: ${r.recalc.upgradedBecause}` : ''}): ${r.recalc.pairsRecomputed} contributor-repository pairs, ${r.recalc.rankChanges} ranks moved, ${r.recalc.contributors} contributors ranked\n`);
        }
        return done.status === 'succeeded' ? 0 : 1;
      }
      case 'show': {
        const v = await ctx.ops.leaderboard.show({ repository, search: values.search, top, offset });
        if (values.json) out(v);
        else process.stdout.write(render(v));
        return 0;
      }
      case 'contributor': {
        const d = await ctx.ops.leaderboard.contributor({ username: target!, repository });
        if (values.json) return (out(d), 0);
        process.stdout.write(`${d.username}${d.displayName ? ` (${d.displayName})` : ''} — global rank ${d.global ? `${d.global.rank} (${arrow(d.global.rank, d.global.previousRank)}), ${d.global.totalScore.toFixed(2)} points in ${d.global.repositories} repositories` : 'none'}\n`);
        process.stdout.write(`Score breakdown${repository ? ` in ${repository}` : ''}:\n${table([['EVENT', 'COUNT', 'WEIGHT', 'POINTS'], ...d.breakdown.map((b) => [b.eventType, String(b.count), b.weight.toFixed(2), b.points.toFixed(2)]), ['line bonus', '', '', d.lineBonus.toFixed(2)]])}\n`);
        process.stdout.write(`Repositories:\n${table([['REPOSITORY', 'RANK', 'SCORE', 'LAST CONTRIBUTION'], ...d.repositories.map((r) => [r.repository, String(r.rank), r.totalScore.toFixed(2), r.lastContributionAt])])}\n`);
        return 0;
      }
      case 'export': {
        const r = await ctx.ops.leaderboard.export({ repository, search: values.search });
        if (values.out) {
          writeFileSync(values.out, r.csv);
          process.stderr.write(`${r.rows} rows written to ${values.out}\n`);
        } else process.stdout.write(r.csv);
        return 0;
      }
      case 'windows': {
        const rows = await ctx.ops.leaderboard.windows({ repository, limit });
        if (values.json) return (out(rows), 0);
        process.stdout.write(table([['REPOSITORY', 'KIND', 'FROM', 'TO', 'EVENTS', 'NEW', 'CHANGED', 'REMOVED', 'CONTRIBUTORS', 'BYTES'], ...rows.map((w) => [w.repository, w.kind, w.dataStartDate.slice(0, 16), w.dataEndDate.slice(0, 16), String(w.eventsFetched), String(w.eventsNew), String(w.eventsChanged), String(w.eventsRemoved), String(w.contributorsFound), String(w.bytesProcessed)])]) + '\n');
        return 0;
      }
      case 'weights': {
        if (Object.keys(weights).length) {
          const current = await ctx.ops.leaderboard.config();
          const saved = await ctx.ops.leaderboard.saveConfig({ weights: { ...current.weights, ...weights } });
          if (saved.run) {
            const done = await follow(saved.run);
            if (done.status !== 'succeeded') return 1;
          }
        }
        const c = await ctx.ops.leaderboard.config();
        if (values.json) return (out(c), 0);
        process.stdout.write(table([['EVENT', 'POINTS'], ...EVENT_TYPES.map((t) => [t, c.weights[t].toFixed(2)])]) + '\n');
        process.stdout.write(`Line bonus: min(added × ${c.settings.lineAddedWeight} + deleted × ${c.settings.lineDeletedWeight}, ${c.settings.lineBonusCap}) per contributor and repository; self-reviews ${c.settings.countSelfReviews ? 'counted' : 'not counted'}; bots: the warehouse's flag and ${c.settings.botPatterns.join(', ') || 'no patterns'}\n`);
        return 0;
      }
      case 'refresh-stale':
      case 'cleanup': {
        const run = await ctx.core.jobs.enqueue(sub === 'cleanup' ? 'leaderboard-cleanup' : 'leaderboard-refresh-stale', sub === 'cleanup' ? {} : { staleAfterHours: hours ?? 6 });
        const done = await follow(run);
        if (values.json) out(done);
        else if (done.status === 'succeeded') process.stdout.write(`${run.title} done: ${JSON.stringify(done.result)}\n`);
        return done.status === 'succeeded' ? 0 : 1;
      }
    }
    return 2;
  } finally {
    await ctx.close();
  }
}
