import type pg from 'pg';
import { rng } from './random.ts';

/** Raw warehouse rows for the ETL tests, written as a sync would (ids are the test's own). */
export interface RawRepo { id: string; full_name: string }
export interface RawPerson { id: string; github_id: number; username: string; display_name: string | null; avatar_url: string | null; is_bot: boolean; is_ghost: boolean }
export interface RawPr {
  id: string;
  repository_id: string;
  github_id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  merged: boolean;
  author_id: string | null;
  additions: number;
  deletions: number;
  changed_files: number;
  labels: string[];
  created_at: string;
  merged_at: string | null;
}
export interface RawFile { pull_request_id: string; path: string; additions: number; deletions: number; change_type: string | null }
export interface RawData { repos: RawRepo[]; people: RawPerson[]; prs: RawPr[]; files: RawFile[] }

const uuid = (n: number, kind: number) => `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

const PATHS = [
  'src/app.ts', 'src/util/strings.ts', 'src/components/Button.tsx', 'README.md', 'docs/guide.md',
  'config/settings.yaml', 'package.json', 'Dockerfile', '.env.production', 'src/auth/session.ts', 'src/auth/oauth.ts',
  'db/migrations/001_init.sql', 'db/migrations/002_users.sql', 'schema.sql', 'src/api/users.ts', 'src/routes/index.ts',
  'test/app.test.ts', 'src/util/strings.spec.ts', 'tests/e2e/login_test.py', 'certs/server.pem', 'src/lib/tokens.ts',
  'lib/old_name.ts', 'lib/new_name.ts', 'src/controllers/admin/users.ts', 'assets/logo.png',
];
const TITLE_WORDS = ['Add export button', 'Fix crash on start', 'Implement OAuth login', 'Refactor strings', 'Bump deps', 'Support dark mode', 'Update docs', 'Improve caching', 'Drop table legacy_users', 'Chore: tidy', 'New dashboard', 'Revert change'];
const BODIES = [null, '', 'This will enable faster builds.', 'Fixes #12', 'We drop column email_old here.', 'Nothing special.', 'Introduce a new flag'];
const LABELS = [[], [], [], ['bug'], ['feature'], ['enhancement'], ['kind/feature'], ['docs'], ['bug', 'Feature Request']];

/**
 * A seeded dataset with the edges the ETL must get right: PRs merged days after creation,
 * timestamps on UTC midnight, a ghost and a bot author, renamed and zero-line files, PRs
 * without files, closed and open PRs, and one person active in two repositories.
 */
export function generateEtlData(seed = 7, prCount = 260): RawData {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const repos: RawRepo[] = [{ id: uuid(1, 1), full_name: 'acme/web' }, { id: uuid(2, 1), full_name: 'acme/api' }];
  const people: RawPerson[] = [];
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  names.forEach((n, i) => people.push({ id: uuid(i + 1, 2), github_id: 1000 + i, username: n, display_name: n[0]!.toUpperCase() + n.slice(1), avatar_url: `https://avatars.example/${n}`, is_bot: false, is_ghost: false }));
  people.push({ id: uuid(20, 2), github_id: 49699333, username: 'dependabot[bot]', display_name: null, avatar_url: null, is_bot: true, is_ghost: false });
  people.push({ id: uuid(21, 2), github_id: 10137, username: 'ghost', display_name: 'Deleted user', avatar_url: null, is_bot: false, is_ghost: true });
  const prs: RawPr[] = [];
  const files: RawFile[] = [];
  const base = Date.UTC(2026, 0, 1);
  const numbers = new Map<string, number>();
  for (let i = 0; i < prCount; i++) {
    // alice works in both repositories; the rest mostly in one.
    const author = i % 37 === 5 ? null : pick(people);
    const repo = author?.username === 'alice' ? pick(repos) : author && people.indexOf(author) % 2 === 1 ? repos[1]! : repos[0]!;
    const number = (numbers.get(repo.id) ?? 0) + 1;
    numbers.set(repo.id, number);
    const dayOffset = Math.floor(r() * 120);
    const edge = r();
    // A fifth exactly on a UTC midnight or a millisecond before it.
    const ms = edge < 0.1 ? 0 : edge < 0.2 ? 86_400_000 - 1 : Math.floor(r() * 86_400_000);
    const created = base + dayOffset * 86_400_000 + ms;
    const fate = r();
    const merged = fate < 0.65;
    const mergedAt = merged ? created + Math.floor(r() * (r() < 0.3 ? 9 : 1) * 86_400_000) + (r() < 0.1 ? 86_400_000 : 0) : null;
    const state = merged ? 'MERGED' : fate < 0.85 ? 'OPEN' : 'CLOSED';
    const id = uuid(i + 1, 3);
    const nFiles = r() < 0.08 ? 0 : 1 + Math.floor(r() * 5);
    const chosen = new Set<string>();
    let adds = 0;
    let dels = 0;
    for (let k = 0; k < nFiles; k++) {
      const path = pick(PATHS);
      if (chosen.has(path)) continue;
      chosen.add(path);
      const big = r() < 0.15;
      const a = r() < 0.07 ? 0 : Math.floor(r() * (big ? 900 : 60));
      const d = a === 0 ? 0 : Math.floor(r() * (big ? 300 : 30));
      const change = path === 'lib/new_name.ts' ? 'renamed' : r() < 0.2 ? 'added' : r() < 0.1 ? 'deleted' : 'modified';
      files.push({ pull_request_id: id, path, additions: a, deletions: d, change_type: change });
      adds += a;
      dels += d;
    }
    prs.push({
      id, repository_id: repo.id, github_id: 5_000_000 + i, number, title: pick(TITLE_WORDS), body: pick(BODIES), state, merged, author_id: author?.id ?? null,
      additions: adds, deletions: dels, changed_files: chosen.size, labels: pick(LABELS), created_at: new Date(created).toISOString(), merged_at: mergedAt === null ? null : new Date(mergedAt).toISOString(),
    });
  }
  return { repos, people, prs, files };
}

/** Writes the dataset into an empty warehouse (the console's schema first on the search path). */
export async function insertEtlData(pool: pg.Pool, d: RawData): Promise<void> {
  await pool.query(`INSERT INTO repositories (id, owner, name, full_name) SELECT x.id, split_part(x.full_name, '/', 1), split_part(x.full_name, '/', 2), x.full_name FROM json_to_recordset($1::json) AS x(id uuid, full_name text)`, [JSON.stringify(d.repos)]);
  await pool.query(`INSERT INTO contributors (id, github_id, username, display_name, avatar_url, is_bot, is_ghost) SELECT * FROM json_to_recordset($1::json) AS x(id uuid, github_id bigint, username text, display_name text, avatar_url text, is_bot boolean, is_ghost boolean)`, [JSON.stringify(d.people)]);
  await upsertPrs(pool, d.prs);
  await pool.query(`INSERT INTO pr_files SELECT * FROM json_to_recordset($1::json) AS x(pull_request_id uuid, path text, additions int, deletions int, change_type text)`, [JSON.stringify(d.files)]);
}

/** Inserts or updates PRs as the sync's writer does (synced_at = now()). */
export async function upsertPrs(pool: pg.Pool, prs: RawPr[]): Promise<void> {
  await pool.query(
    `INSERT INTO pull_requests (id, repository_id, github_id, number, title, body, state, merged, author_id, additions, deletions, changed_files, labels, created_at, updated_at, merged_at)
     SELECT x.id, x.repository_id, x.github_id, x.number, x.title, x.body, x.state, x.merged, x.author_id, x.additions, x.deletions, x.changed_files, x.labels, x.created_at, now(), x.merged_at
     FROM json_to_recordset($1::json) AS x(id uuid, repository_id uuid, github_id bigint, number int, title text, body text, state text, merged boolean, author_id uuid, additions int, deletions int, changed_files int, labels text[], created_at timestamptz, merged_at timestamptz)
     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, state = EXCLUDED.state, merged = EXCLUDED.merged, author_id = EXCLUDED.author_id, additions = EXCLUDED.additions,
       deletions = EXCLUDED.deletions, changed_files = EXCLUDED.changed_files, labels = EXCLUDED.labels, created_at = EXCLUDED.created_at, merged_at = EXCLUDED.merged_at, updated_at = now(), synced_at = now()`,
    [JSON.stringify(prs)],
  );
}
