import { OpsError } from '../../shared/errors.ts';
import { VERSION } from '../core/version.ts';
import { watchParent } from '../lifecycle/parent-watch.ts';
import { alertsCommand, alertsUsage } from './commands/alerts.ts';
import { backfillCommand, backfillUsage } from './commands/backfill.ts';
import { costsCommand, costsUsage } from './commands/costs.ts';
import { embedCommand, embedUsage } from './commands/embed.ts';
import { etlCommand, etlUsage } from './commands/etl.ts';
import { healthCommand, healthUsage } from './commands/health.ts';
import { leaderboardCommand, leaderboardUsage } from './commands/leaderboard.ts';
import { logsCommand, logsUsage } from './commands/logs.ts';
import { milvusCommand, milvusUsage } from './commands/milvus.ts';
import { profileCommand, profileUsage } from './commands/profile.ts';
import { settingsCommand, settingsUsage } from './commands/settings.ts';
import { queryCommand, queryUsage } from './commands/query.ts';
import { runbookCommand, runbookUsage } from './commands/runbook.ts';
import { scheduleCommand, scheduleUsage } from './commands/schedule.ts';
import { workerCommand, workerUsage } from './commands/worker.ts';
import { jobsCommand, jobsUsage } from './commands/jobs.ts';
import { secretsCommand, secretsUsage } from './commands/secrets.ts';
import { serveCommand, serveUsage } from './commands/serve.ts';
import { syncCommand, syncUsage } from './commands/sync.ts';
import { systemsCommand, systemsUsage } from './commands/systems.ts';
import { UsageError } from './usage-error.ts';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string; summary: string }> = {
  serve: { run: serveCommand, usage: serveUsage, summary: 'run the console headless on loopback' },
  secrets: { run: secretsCommand, usage: secretsUsage, summary: 'manage secrets in the OS keychain' },
  logs: { run: logsCommand, usage: logsUsage, summary: 'tail and search the structured logs' },
  sync: { run: syncCommand, usage: syncUsage, summary: 'sync a repository from GitHub into the warehouse' },
  embed: { run: embedCommand, usage: embedUsage, summary: 'embed PRs and issues with OpenAI into Milvus' },
  milvus: { run: milvusCommand, usage: milvusUsage, summary: 'Milvus collection stats, recreate, reload' },
  backfill: { run: backfillCommand, usage: backfillUsage, summary: 'sync → aggregation → embeddings → verification, with an estimate first' },
  health: { run: healthCommand, usage: healthUsage, summary: 'run the health checks (exit 0/1/2: healthy/degraded/down)' },
  query: { run: queryCommand, usage: queryUsage, summary: 'run the verification queries (read-only)' },
  runbook: { run: runbookCommand, usage: runbookUsage, summary: 'run a runbook as a checklist and record it' },
  alerts: { run: alertsCommand, usage: alertsUsage, summary: 'alerts, channels (send a test), silences, the delivery outbox, the alerting agent' },
  costs: { run: costsCommand, usage: costsUsage, summary: 'the cost ledger, budgets and the daily budget report' },
  leaderboard: { run: leaderboardCommand, usage: leaderboardUsage, summary: 'contributor leaderboards: recalculate, show, weights, scrape windows, export' },
  schedule: { run: scheduleCommand, usage: scheduleUsage, summary: 'cron schedules of jobs: list, presets, add, enable/disable, run-now, history, export --crontab' },
  systems: { run: systemsCommand, usage: systemsUsage, summary: "the team's systems: register, detect, their packs' checks and confirmed actions" },
  etl: { run: etlCommand, usage: etlUsage, summary: "What the Repo's Engineer Lens and What Shipped ETL (incremental, --explain) and the shipping digest" },
  worker: { run: workerCommand, usage: workerUsage, summary: 'join the warehouse job queue (pg-boss) as a worker; worker list shows the fleet' },
  jobs: { run: jobsCommand, usage: jobsUsage, summary: 'job runs: this machine’s, or every worker’s with --all-workers' },
  settings: { run: settingsCommand, usage: settingsUsage, summary: 'application settings (the Settings page): show, set key=value' },
  profile: { run: profileCommand, usage: profileUsage, summary: 'connection profiles: list, show, use, set key=value (every non-secret setting), create, delete' },
};

function help(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Repo Ops ${VERSION} — operations console for GitHub → Postgres → OpenAI → Milvus pipelines

Usage: repo-ops <command> [options]

Commands:
${lines.join('\n')}

Environment: REPO_OPS_HOME (data directory), GITHUB_TOKEN, DATABASE_URL / SUPABASE_DB_URL,
MILVUS_URL, MILVUS_TOKEN, OPENAI_API_KEY, REDIS_URL (used when the keychain has no entry);
REPO_OPS_PROFILE (the profile to use), GITHUB_API_URL, OPENAI_BASE_URL and the other overrides
of a profile's settings listed by \`repo-ops profile --help\`.
Run \`repo-ops <command> --help\` for a command's options.
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\nUsage:\n${cmd.usage}\n`);
      return 2;
    }
    if (e instanceof OpsError) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${e.message}\n\nUsage:\n${cmd.usage}\n`);
      return 2;
    }
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

// Started by bin/repo-ops.js with a lifeline pipe: when it dies (even by kill -9), shut down the
// way SIGTERM does (jobs checkpoint, the embedded PostgreSQL stops), never linger as an orphan.
watchParent(() => {
  process.stderr.write('The repo-ops launcher is gone: shutting down\n');
  setTimeout(() => process.exit(129), 20_000).unref();
  if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM');
  else process.exit(129);
});

// Exit once output is flushed: native handles (keychain, sockets) must not keep a finished command alive.
main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (e) => {
    process.stderr.write(`Fatal: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
