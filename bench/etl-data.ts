// bench:etl's generated warehouse: PRs over 3 years in 10 repositories by `authors` people plus
// 5 bots, 70 % merged 0–10 days after creation, ≈ `files` files per PR from a pool of paths per
// repository (so people share files). Deterministic (setseed).
import type pg from 'pg';

export async function generateEtlBenchData(pool: pg.Pool, o: { prs: number; authors: number; files: number }): Promise<void> {
  await pool.query('SELECT setseed(0.15)');
  await pool.query(`INSERT INTO repositories (owner, name, full_name) SELECT 'bench', 'repo' || i, 'bench/repo' || i FROM generate_series(1, 10) i`);
  await pool.query(`INSERT INTO contributors (github_id, username, display_name, is_bot)
    SELECT i, CASE WHEN i <= $1 THEN 'dev' || i ELSE 'bot' || i || '[bot]' END, 'Developer ' || i, i > $1 FROM generate_series(1, $1 + 5) i`, [o.authors]);
  // 3 years of PRs; 70% merged 0–10 days later; an author mostly in one or two repositories.
  await pool.query(`INSERT INTO pull_requests (github_id, repository_id, number, title, body, state, merged, author_id, additions, deletions, changed_files, labels, created_at, updated_at, merged_at)
    SELECT i, r.id, i, (ARRAY['Add export','Fix crash','Implement search','Refactor cache','Bump deps','Support SSO','Update docs','Improve speed'])[1 + (i % 8)],
      CASE WHEN i % 5 = 0 THEN 'This will enable the new flow' END, CASE WHEN m THEN 'MERGED' ELSE 'OPEN' END, m, c.id, 0, 0, 0,
      CASE i % 4 WHEN 1 THEN ARRAY['bug'] WHEN 2 THEN ARRAY['feature'] ELSE ARRAY[]::text[] END, t, t, CASE WHEN m THEN t + (random() * 10) * interval '1 day' END
    FROM (SELECT i, now() - random() * interval '1095 days' AS t, random() < 0.7 AS m, 1 + ((i * 7919) % ($2 + 5)) AS a FROM generate_series(1, $1) i) x
    JOIN contributors c ON c.github_id = x.a
    JOIN LATERAL (SELECT id FROM repositories WHERE full_name = 'bench/repo' || (1 + ((x.a + (x.i % 3)) % 10))) r ON true`, [o.prs, o.authors]);
  // ≈ files per PR from a pool of 4,000 paths per directory kind.
  await pool.query(`INSERT INTO pr_files (pull_request_id, path, additions, deletions, change_type)
    SELECT p.id, (ARRAY['src/app/','src/api/','db/migrations/','test/','config/','src/auth/','docs/'])[1 + (h % 7)] || 'f' || (h % 4000) || (ARRAY['.ts','.sql','.yaml','.test.ts','.md'])[1 + (h % 5)],
      (random() * 120)::int, (random() * 40)::int, (ARRAY['modified','modified','added','deleted'])[1 + (h % 4)]
    FROM pull_requests p CROSS JOIN LATERAL generate_series(1, 1 + (random() * ($1 * 2 - 2) + p.github_id * 0)::int) k
    CROSS JOIN LATERAL (SELECT abs(hashint4(p.github_id::int * 31 + k)) AS h) hh
    ON CONFLICT DO NOTHING`, [o.files]);
  await pool.query(`UPDATE pull_requests p SET additions = f.a, deletions = f.d, changed_files = f.n FROM (SELECT pull_request_id, sum(additions)::int a, sum(deletions)::int d, count(*)::int n FROM pr_files GROUP BY 1) f WHERE f.pull_request_id = p.id`);
  await pool.query('VACUUM ANALYZE');
}

/** A sync changes 500 PRs: new titles, merged now where open, 50 more lines in every file of half of them. */
export async function changeEtlBenchData(pool: pg.Pool): Promise<void> {
  await pool.query(`WITH ch AS (SELECT id FROM pull_requests ORDER BY hashint4(github_id::int) LIMIT 500)
    UPDATE pull_requests p SET title = p.title || ' (v2)', merged = true, state = 'MERGED', merged_at = coalesce(p.merged_at, now()), synced_at = now() FROM ch WHERE ch.id = p.id`);
  await pool.query(`UPDATE pr_files f SET additions = f.additions + 50 FROM (SELECT id FROM pull_requests ORDER BY hashint4(github_id::int) LIMIT 250) ch WHERE f.pull_request_id = ch.id`);
}
