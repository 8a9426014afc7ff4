// The naive REST-per-PR collector the sync is compared with (the CHAOSS Augur pattern), written
// the way a reasonable hand-written client would be: list pages, then per PR its reviews, review
// comments, issue comments and files — the four lists fetched concurrently, several PRs in
// flight — and each PR's rows written in one batch per table (multi-row INSERT … ON CONFLICT).
import pg from 'pg';

interface Counters {
  requests: number;
  rows: number;
}

type Item = Record<string, unknown>;

async function getAll(base: string, token: string, path: string, c: Counters): Promise<Item[]> {
  const out: Item[] = [];
  for (let page = 1; ; page++) {
    c.requests++;
    const res = await fetch(`${base}${path}${path.includes('?') ? '&' : '?'}per_page=100&page=${page}`, { headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json' } });
    if (!res.ok) throw new Error(`${res.status} on ${path}`);
    const items = (await res.json()) as Item[];
    out.push(...items);
    if (!/rel="next"/.test(res.headers.get('link') ?? '')) return out;
  }
}

async function inParallel<T>(items: T[], concurrency: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

const login = (x: Item) => (x.user as { login?: string } | null)?.login ?? null;

export async function naiveRestSync(opts: { base: string; token: string; repo: string; dbUrl: string; maxPullRequests: number; maxIssues: number; concurrency: number }): Promise<Counters & { pullRequests: number; issues: number; seconds: number }> {
  const c: Counters = { requests: 0, rows: 0 };
  const db = new pg.Pool({ connectionString: opts.dbUrl, max: Math.min(opts.concurrency, 10) });
  await db.query(`CREATE TABLE IF NOT EXISTS b_items (id bigint PRIMARY KEY, kind text, number int, title text, body text, author text);
    CREATE TABLE IF NOT EXISTS b_children (id bigint, kind text, parent bigint, body text, author text, PRIMARY KEY (kind, id));
    CREATE TABLE IF NOT EXISTS b_files (parent bigint, path text, additions int, deletions int, PRIMARY KEY (parent, path));`);
  const insertItems = async (xs: Item[], kind: string) => {
    if (!xs.length) return;
    c.rows += xs.length;
    await db.query(
      `INSERT INTO b_items SELECT x.id, $2, x.number, x.title, x.body, x.author FROM json_to_recordset($1::json) AS x(id bigint, number int, title text, body text, author text)
       ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body`,
      [JSON.stringify(xs.map((x) => ({ id: x.id, number: x.number, title: x.title, body: x.body ?? null, author: login(x) }))), kind],
    );
  };
  const insertChildren = async (rows: { id: unknown; kind: string; parent: unknown; body: unknown; author: string | null }[]) => {
    if (!rows.length) return;
    c.rows += rows.length;
    await db.query(
      `INSERT INTO b_children SELECT * FROM json_to_recordset($1::json) AS x(id bigint, kind text, parent bigint, body text, author text)
       ON CONFLICT (kind, id) DO UPDATE SET body = EXCLUDED.body`,
      [JSON.stringify(rows)],
    );
  };
  const t0 = performance.now();
  const prs: Item[] = [];
  for (let page = 1; prs.length < opts.maxPullRequests; page++) {
    c.requests++;
    const res = await fetch(`${opts.base}/repos/${opts.repo}/pulls?state=all&per_page=100&page=${page}`, { headers: { authorization: `token ${opts.token}` } });
    const items = (await res.json()) as Item[];
    prs.push(...items);
    if (items.length < 100) break;
  }
  const sample = prs.slice(0, opts.maxPullRequests);
  await inParallel(sample, opts.concurrency, async (pr) => {
    const n = pr.number as number;
    const [reviews, reviewComments, comments, files] = await Promise.all([
      getAll(opts.base, opts.token, `/repos/${opts.repo}/pulls/${n}/reviews`, c),
      getAll(opts.base, opts.token, `/repos/${opts.repo}/pulls/${n}/comments`, c),
      getAll(opts.base, opts.token, `/repos/${opts.repo}/issues/${n}/comments`, c),
      getAll(opts.base, opts.token, `/repos/${opts.repo}/pulls/${n}/files`, c),
    ]);
    await insertItems([pr], 'pr');
    const child = (kind: string) => (x: Item) => ({ id: x.id, kind, parent: pr.id, body: x.body ?? null, author: login(x) });
    await insertChildren([...reviews.map(child('review')), ...reviewComments.map(child('review_comment')), ...comments.map(child('issue_comment'))]);
    if (files.length) {
      c.rows += files.length;
      await db.query(
        `INSERT INTO b_files SELECT $2, x.filename, x.additions, x.deletions FROM json_to_recordset($1::json) AS x(filename text, additions int, deletions int) ON CONFLICT (parent, path) DO NOTHING`,
        [JSON.stringify(files.map((f) => ({ filename: f.filename, additions: f.additions, deletions: f.deletions }))), pr.id],
      );
    }
  });
  const issues: Item[] = [];
  for (let page = 1; issues.length < opts.maxIssues; page++) {
    c.requests++;
    const res = await fetch(`${opts.base}/repos/${opts.repo}/issues?state=all&per_page=100&page=${page}`, { headers: { authorization: `token ${opts.token}` } });
    const items = (await res.json()) as Item[];
    issues.push(...items.filter((i) => !i.pull_request));
    if (items.length < 100) break;
  }
  await inParallel(issues.slice(0, opts.maxIssues), opts.concurrency, async (issue) => {
    const comments = await getAll(opts.base, opts.token, `/repos/${opts.repo}/issues/${issue.number}/comments`, c);
    await insertItems([issue], 'issue');
    await insertChildren(comments.map((x) => ({ id: x.id, kind: 'issue_comment', parent: issue.id, body: x.body ?? null, author: login(x) })));
  });
  const seconds = (performance.now() - t0) / 1000;
  await db.end();
  return { ...c, pullRequests: sample.length, issues: Math.min(issues.length, opts.maxIssues), seconds };
}
