// Sync health: cursors, runs, failures, stuck and stale work, retention.
import { REPOSITORY } from './catalogue-coverage.ts';
import type { CatalogueQuery } from './types.ts';

export const syncQueries: CatalogueQuery[] = [
  {
    id: 'sync-state',
    title: 'Sync cursors',
    group: 'sync',
    description: 'When the repository was last synced and, per stream, the page cursor, window and high-water mark the next incremental run starts from.',
    source: 'contributor-leaderboard-operations.md § Database Optimizations (scrape_windows latest data_end_date per repository → sync_state high_water_mark)',
    params: [REPOSITORY],
    sql: `SELECT r.full_name, r.last_synced_at, now() - r.last_synced_at AS since_last_sync,
       s.stream, s.mode, s.done, s.pages, s.rows, s.window_since, s.window_until, s.high_water_mark, s.updated_at
FROM repositories r
LEFT JOIN sync_state s ON s.repository_id = r.id
WHERE r.id = $1::uuid
ORDER BY s.stream;`,
  },
  {
    id: 'sync-runs-recent',
    title: 'Recent sync runs',
    group: 'sync',
    description: 'The latest sync runs of the repository with their outcome, cost in GitHub requests and points, rows written and error.',
    source: 'aggressive-backfill-guide.md § Step 1 › Monitoring (job status) and contributor-leaderboard-operations.md § Maintenance Schedule ("Review failed jobs")',
    params: [REPOSITORY, { name: 'limit', type: 'int', label: 'Runs', default: 20 }],
    sql: `SELECT id, mode, status, started_at, finished_at, finished_at - started_at AS duration,
       requests, graphql_points, rows_written, (reconciliation ->> 'ok')::boolean AS matches_github, error
FROM sync_runs
WHERE repository_id = $1::uuid
ORDER BY started_at DESC
LIMIT $2::int;`,
  },
  {
    id: 'sync-runs-failed',
    title: 'Failed and incomplete sync runs',
    group: 'sync',
    description: 'Sync runs of every repository that failed or did not match GitHub in the period.',
    source: 'contributor-leaderboard-operations.md § Maintenance Schedule ("Review failed jobs: Daily") and § Alert Rules (ScrapeJobFailed)',
    params: [{ name: 'period', type: 'interval', label: 'Period', default: '7 days' }],
    sql: `SELECT r.full_name AS repository, s.id, s.mode, s.status, s.started_at, s.finished_at, s.error
FROM sync_runs s
JOIN repositories r ON r.id = s.repository_id
WHERE s.status NOT IN ('succeeded', 'running') AND s.started_at > now() - $1::interval
ORDER BY s.started_at DESC;`,
  },
  {
    id: 'sync-runs-stuck',
    title: 'Sync runs stuck in "running"',
    group: 'sync',
    description: 'Runs still marked running after the threshold: a crashed or killed process leaves them so; the job resumes from its cursors when run again.',
    source: 'autodevops-runbook.md § Incident: Worker Backlog Growing ("Jobs stuck in pending")',
    params: [{ name: 'older_than', type: 'interval', label: 'Running for more than', default: '1 hour' }],
    sql: `SELECT r.full_name AS repository, s.id, s.mode, s.started_at, now() - s.started_at AS running_for, s.requests, s.rows_written
FROM sync_runs s
JOIN repositories r ON r.id = s.repository_id
WHERE s.status = 'running' AND s.started_at < now() - $1::interval
ORDER BY s.started_at;`,
  },
  {
    id: 'stale-repositories',
    title: 'Repositories not synced recently',
    group: 'sync',
    description: 'Tracked repositories never synced or not synced within the period, with the status of their last run.',
    source: 'contributor-leaderboard-operations.md § Scheduler Configuration ("refresh-stale-repos" every 6 hours)',
    params: [{ name: 'period', type: 'interval', label: 'Not synced within', default: '24 hours' }],
    sql: `SELECT r.full_name AS repository, r.last_synced_at, now() - r.last_synced_at AS since_last_sync, last.status AS last_run_status, last.started_at AS last_run_started
FROM repositories r
LEFT JOIN LATERAL (
  SELECT status, started_at FROM sync_runs s WHERE s.repository_id = r.id ORDER BY started_at DESC LIMIT 1
) last ON true
WHERE r.last_synced_at IS NULL OR r.last_synced_at < now() - $1::interval
ORDER BY r.last_synced_at NULLS FIRST, r.full_name;`,
  },
  {
    id: 'sync-runs-retention',
    title: 'Old sync run history',
    group: 'sync',
    description: 'Sync runs older than the retention period, per status: candidates for clean-up (this check deletes nothing).',
    source: 'contributor-leaderboard-operations.md § Database Optimizations › Data Retention Policy (audit logs older than 90 days)',
    params: [{ name: 'older_than', type: 'interval', label: 'Older than', default: '90 days' }],
    sql: `SELECT status, count(*) AS runs, min(started_at) AS oldest, max(started_at) AS newest
FROM sync_runs
WHERE started_at < now() - $1::interval
GROUP BY status
ORDER BY runs DESC;`,
  },
];
