// The naive REST-per-PR collector the sync is compared with (the CHAOSS Augur
// pattern): list pages, then per PR its reviews, review comments, issue comments and
// files, each paginated; rows written one at a time with ON CONFLICT.
import pg from 'pg';

interface Counters {
  requests: number;
  rows: number;
}

async function getAll(base: string, token: string, path: string, c: Counters): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let page = 1; ; page++) {
    c.requests++;
    const res = await fetch(`${base}${path}${path.includes('?') ? '&' : '?'}per_page=100&page=${page}`, { headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json' } });
    if (!res.ok) throw new Error(`${res.status} on ${path}`);
    const items = (await res.json()) as Record<string, unknown>[];
    out.push(...items);
    if (!/rel="next"/.test(res.headers.get('link') ?? '')) return out;
  }
}

async function pool<T>(items: T[], concurrency: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

export async function naiveRestSync(opts: { base: string; token: string; repo: string; dbUrl: string; maxPullRequests: number; maxIssues: number; concurrency: number }): Promise<Counters & { pullRequests: number; issues: number; seconds: number }> {
  const c: Counters = { requests: 0, rows: 0 };
  const db = new pg.Pool({ connectionString: opts.dbUrl, max: opts.concurrency });
  await db.query(`CREATE TABLE IF NOT EXISTS b_items (id bigint PRIMARY KEY, kind text, number int, title text, body text, author text);
    CREATE TABLE IF NOT EXISTS b_children (id bigint, kind text, parent bigint, body text, author text, PRIMARY KEY (kind, id));
    CREATE TABLE IF NOT EXISTS b_files (parent bigint, path text, additions int, deletions int, PRIMARY KEY (parent, path));`);
  const insertItem = (x: Record<string, unknown>, kind: string) => {
    c.rows++;
    return db.query('INSERT INTO b_items VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body', [x.id, kind, x.number, x.title, x.body ?? null, (x.user as { login?: string } | null)?.login ?? null]);
  };
  const insertChild = (x: Record<string, unknown>, kind: string, parent: unknown) => {
    c.rows++;
    return db.query('INSERT INTO b_children VALUES ($1,$2,$3,$4,$5) ON CONFLICT (kind, id) DO UPDATE SET body = EXCLUDED.body', [x.id, kind, parent, x.body ?? null, (x.user as { login?: string } | null)?.login ?? null]);
  };
  const t0 = performance.now();
  const prs: Record<string, unknown>[] = [];
  for (let page = 1; prs.length < opts.maxPullRequests; page++) {
    c.requests++;
    const res = await fetch(`${opts.base}/repos/${opts.repo}/pulls?state=all&per_page=100&page=${page}`, { headers: { authorization: `token ${opts.token}` } });
    const items = (await res.json()) as Record<string, unknown>[];
    prs.push(...items);
    if (items.length < 100) break;
  }
  const sample = prs.slice(0, opts.maxPullRequests);
  await pool(sample, opts.concurrency, async (pr) => {
    await insertItem(pr, 'pr');
    const n = pr.number as number;
    const [reviews, reviewComments, comments, files] = [
      await getAll(opts.base, opts.token, `/repos/${opts.repo}/pulls/${n}/reviews`, c),
      await getAll(opts.base, opts.token, `/repos/${opts.repo}/pulls/${n}/comments`, c),
      await getAll(opts.base, opts.token, `/repos/${opts.repo}/issues/${n}/comments`, c),
      await getAll(opts.base, opts.token, `/repos/${opts.repo}/pulls/${n}/files`, c),
    ];
    for (const r of reviews) await insertChild(r, 'review', pr.id);
    for (const r of reviewComments) await insertChild(r, 'review_comment', pr.id);
    for (const r of comments) await insertChild(r, 'issue_comment', pr.id);
    for (const f of files) {
      c.rows++;
      await db.query('INSERT INTO b_files VALUES ($1,$2,$3,$4) ON CONFLICT (parent, path) DO NOTHING', [pr.id, f.filename, f.additions, f.deletions]);
    }
  });
  const issues: Record<string, unknown>[] = [];
  for (let page = 1; issues.length < opts.maxIssues; page++) {
    c.requests++;
    const res = await fetch(`${opts.base}/repos/${opts.repo}/issues?state=all&per_page=100&page=${page}`, { headers: { authorization: `token ${opts.token}` } });
    const items = (await res.json()) as Record<string, unknown>[];
    issues.push(...items.filter((i) => !i.pull_request));
    if (items.length < 100) break;
  }
  await pool(issues.slice(0, opts.maxIssues), opts.concurrency, async (issue) => {
    await insertItem(issue, 'issue');
    for (const r of await getAll(opts.base, opts.token, `/repos/${opts.repo}/issues/${issue.number}/comments`, c)) await insertChild(r, 'issue_comment', issue.id);
  });
  const seconds = (performance.now() - t0) / 1000;
  await db.end();
  return { ...c, pullRequests: sample.length, issues: Math.min(issues.length, opts.maxIssues), seconds };
}
