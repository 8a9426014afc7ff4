import type pg from 'pg';
import { OpsError } from '../../shared/errors.ts';
import type { GitHubClient } from '../github/client.ts';
import { parseRepoName } from '../github/repo-name.ts';

export interface TrackedRepository {
  id: string;
  githubId: number | null;
  owner: string;
  name: string;
  fullName: string;
  previousNames: string[];
}

interface RestRepo {
  id: number;
  node_id: string;
  name: string;
  full_name: string;
  owner: { login: string };
  description: string | null;
  html_url: string;
  private: boolean;
  archived: boolean;
  default_branch: string;
  language: string | null;
  stargazers_count: number;
  forks_count: number;
  created_at: string;
  pushed_at: string | null;
}

const toTracked = (r: { id: string; github_id: number | null; owner: string; name: string; full_name: string; previous_names: string[] }): TrackedRepository => ({
  id: r.id,
  githubId: r.github_id,
  owner: r.owner,
  name: r.name,
  fullName: r.full_name,
  previousNames: r.previous_names,
});

export async function findRepository(pool: pg.Pool, fullName: string): Promise<TrackedRepository | null> {
  const { rows } = await pool.query('SELECT id, github_id, owner, name, full_name, previous_names FROM repositories WHERE lower(full_name) = lower($1) OR lower($1) = ANY (SELECT lower(n) FROM unnest(previous_names) n) LIMIT 1', [fullName]);
  return rows[0] ? toTracked(rows[0]) : null;
}

/** The repository as GitHub has it now (a rename followed through GitHub's redirect), writing nothing. */
export async function lookupRepository(github: GitHubClient, input: string): Promise<{ repo: RestRepo; name: ReturnType<typeof parseRepoName> }> {
  const name = parseRepoName(input);
  try {
    return { repo: (await github.octokit.request('GET /repos/{owner}/{repo}', { owner: name.owner, repo: name.name })).data as RestRepo, name };
  } catch (e) {
    if ((e as { status?: number }).status === 404) throw new OpsError('not_found', `${name.fullName}: repository not found or token lacks access`);
    throw github.describe(e, `lookup of ${name.fullName}`);
  }
}

/**
 * Tracks a repository: checks it on GitHub (a 404 means missing or no access; a
 * renamed repository is followed through GitHub's redirect, whichever name is given,
 * the old name kept and the items' URLs moved to the new one).
 */
export async function trackRepository(pool: pg.Pool, github: GitHubClient, input: string): Promise<{ repository: TrackedRepository; renamedFrom: string | null }> {
  const { repo, name } = await lookupRepository(github, input);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // What we knew it as (by its stable id): a rename shows whichever name was given.
    const before = (await client.query('SELECT full_name, html_url FROM repositories WHERE github_id = $1 FOR UPDATE', [repo.id])).rows[0] as { full_name: string; html_url: string | null } | undefined;
    const known = before?.full_name ?? name.fullName;
    const renamedFrom = known === repo.full_name ? null : known;
    const { rows } = await client.query(UPSERT_REPOSITORY, [repo.id, repo.node_id, repo.owner.login, repo.name, repo.full_name, renamedFrom && renamedFrom.toLowerCase() !== repo.full_name.toLowerCase() ? renamedFrom : null, repo.description, repo.html_url, repo.private, repo.archived, repo.default_branch, repo.language, repo.stargazers_count, repo.forks_count, repo.created_at, repo.pushed_at]);
    const tracked = toTracked(rows[0]);
    // Items keep GitHub's URL of when they were synced: move them to the new name with the repository.
    if (before?.html_url && before.html_url !== repo.html_url) {
      for (const table of ['pull_requests', 'issues']) {
        await client.query(`UPDATE ${table} SET html_url = $2 || substr(html_url, length($1) + 1) WHERE repository_id = $3 AND starts_with(html_url, $1 || '/')`, [before.html_url, repo.html_url, tracked.id]);
      }
    }
    await client.query('COMMIT');
    return { repository: tracked, renamedFrom };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

const UPSERT_REPOSITORY = `
INSERT INTO repositories (github_id, node_id, owner, name, full_name, previous_names, description, html_url, is_private, is_archived,
  default_branch, language, stargazers_count, forks_count, github_created_at, pushed_at)
VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::text IS NULL THEN '{}'::text[] ELSE ARRAY[$6::text] END, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (github_id) DO UPDATE SET
  node_id = EXCLUDED.node_id, owner = EXCLUDED.owner, name = EXCLUDED.name, full_name = EXCLUDED.full_name,
  previous_names = (SELECT ARRAY(SELECT DISTINCT n FROM unnest(repositories.previous_names || EXCLUDED.previous_names ||
    CASE WHEN lower(repositories.full_name) <> lower(EXCLUDED.full_name) THEN ARRAY[repositories.full_name] ELSE '{}'::text[] END) n
    WHERE lower(n) <> lower(EXCLUDED.full_name))),
  description = EXCLUDED.description, html_url = EXCLUDED.html_url, is_private = EXCLUDED.is_private, is_archived = EXCLUDED.is_archived,
  default_branch = EXCLUDED.default_branch, language = EXCLUDED.language, stargazers_count = EXCLUDED.stargazers_count,
  forks_count = EXCLUDED.forks_count, github_created_at = EXCLUDED.github_created_at, pushed_at = EXCLUDED.pushed_at, updated_at = now()
RETURNING id, github_id, owner, name, full_name, previous_names`;
