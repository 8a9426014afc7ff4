// An independent reference of the Engineer Lens / What Shipped tables: plain TypeScript over the
// raw warehouse rows, written from the definitions without looking at the SQL.
import type pg from 'pg';

interface Pr {
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: string;
  merged: boolean;
  author: string;
  bot: boolean;
  additions: number;
  deletions: number;
  changedFiles: number;
  labels: string[];
  createdAt: Date;
  mergedAt: Date | null;
  files: { path: string; additions: number; deletions: number; change: string | null }[];
}

export async function readRaw(pool: pg.Pool): Promise<{ prs: Pr[]; people: { username: string; display_name: string | null; avatar_url: string | null; updated_at: Date }[] }> {
  const prs = await pool.query(`SELECT r.full_name, p.id, p.number, p.title, p.body, p.state, p.merged, c.username, c.is_bot, p.additions, p.deletions, p.changed_files, p.labels, p.created_at, p.merged_at
    FROM pull_requests p JOIN repositories r ON r.id = p.repository_id LEFT JOIN contributors c ON c.id = p.author_id`);
  const files = await pool.query('SELECT pull_request_id, path, additions, deletions, change_type FROM pr_files');
  const byPr = new Map<string, Pr['files']>();
  for (const f of files.rows) {
    const list = byPr.get(f.pull_request_id) ?? [];
    list.push({ path: f.path, additions: f.additions, deletions: f.deletions, change: f.change_type });
    byPr.set(f.pull_request_id, list);
  }
  const people = await pool.query('SELECT username, display_name, avatar_url, updated_at FROM contributors');
  return {
    prs: prs.rows.map((p) => ({
      repo: p.full_name, number: p.number, title: p.title, body: p.body, state: p.state, merged: p.merged, author: p.username ?? 'ghost', bot: p.is_bot ?? false,
      additions: p.additions ?? 0, deletions: p.deletions ?? 0, changedFiles: p.changed_files ?? 0, labels: p.labels, createdAt: p.created_at, mergedAt: p.merged ? p.merged_at : null, files: byPr.get(p.id) ?? [],
    })),
    people: people.rows,
  };
}

// ---- calendar ----
export function dayIn(d: Date, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (lo: string, hi: string) => {
  const out: string[] = [];
  for (let d = lo; d <= hi; d = addDays(d, 1)) out.push(d);
  return out;
};

// ---- risk ----
const ext = (p: string) => (p.includes('.') ? p.slice(p.lastIndexOf('.') + 1).toLowerCase() : '');
const base = (p: string) => p.slice(p.lastIndexOf('/') + 1).toLowerCase();
const segments = (p: string) => p.toLowerCase().split('/').slice(0, -1);
const AUTH_WORDS = new Set(['auth', 'authn', 'authz', 'authentication', 'authorization', 'oauth', 'login', 'logout', 'session', 'sessions', 'secret', 'secrets', 'credential', 'credentials', 'password', 'passwords', 'token', 'tokens', 'permission', 'permissions', 'rbac', 'acl']);

export function fileFacts(path: string) {
  const lower = path.toLowerCase();
  const b = base(path);
  const config = ['yaml', 'yml', 'json', 'toml', 'ini', 'cfg', 'conf', 'properties'].includes(ext(path)) || b === 'dockerfile' || b.startsWith('docker-compose') || b.startsWith('.env');
  const auth = lower.split(/[/_.-]/).some((w) => AUTH_WORDS.has(w));
  const sql = ext(path) === 'sql' || segments(path).some((s) => ['migration', 'migrations', 'migrate', 'ddl'].includes(s));
  const api = segments(path).some((s) => ['api', 'apis', 'route', 'routes', 'controller', 'controllers', 'endpoint', 'endpoints'].includes(s));
  const test = segments(path).some((s) => ['test', 'tests', '__tests__', 'spec', 'specs', 'e2e'].includes(s)) || /\.(test|spec)\.[a-z0-9]+$/.test(b) || /_test\.[a-z0-9]+$/.test(b);
  const secretFile = b === '.env' || b.startsWith('.env.') || ['pem', 'key', 'p12', 'pfx'].includes(ext(path)) || b.startsWith('id_rsa') || b.startsWith('id_ed25519') || /^credentials(\.[a-z]+)?$/.test(b) || /^secrets?\.(ya?ml|json|env|txt)$/.test(b);
  return { config, auth, sql, api, test, secretFile };
}

export function fileScore(f: Pr['files'][number], prText: string): { score: number; floor: boolean } {
  const lines = f.additions + f.deletions;
  const x = fileFacts(f.path);
  const size = lines <= 10 ? 0 : lines <= 100 ? 1 : lines <= 400 ? 2 : 3;
  let s = size + (x.config ? 2 : 0) + (x.auth ? 2 : 0) + (x.sql ? 3 : 0) + (x.api ? 3 : 0) - (x.test ? 2 : 0);
  s = Math.min(10, Math.max(0, s));
  const drops = x.sql && /drop\s+(table|column)/i.test(prText);
  const floor = (f.change === 'added' && x.secretFile) || ((f.change === 'deleted' || f.change === 'removed') && x.auth) || drops;
  return { score: floor ? Math.max(8, s) : s, floor };
}

/** Exact rational arithmetic, rounded half up to one decimal. */
export function prRisk(pr: Pick<Pr, 'files' | 'title' | 'body'>): number {
  if (pr.files.length === 0) return 0;
  const text = `${pr.title} ${pr.body ?? ''}`;
  const scores = pr.files.map((f) => ({ s: fileScore(f, text).score, l: f.additions + f.deletions, f }));
  const L = scores.reduce((a, x) => a + x.l, 0);
  // value = num / den
  let num = L > 0 ? scores.reduce((a, x) => a + x.s * x.l, 0) : scores.reduce((a, x) => a + x.s, 0);
  let den = L > 0 ? L : scores.length;
  if (Math.max(...scores.map((x) => x.s)) >= 8) {
    if (num < 8 * den) [num, den] = [17, 2];
    else [num, den] = [2 * num + den, 2 * den];
    if (num > 10 * den) [num, den] = [10, 1];
  }
  if (pr.files.some((f) => f.change === 'added' && fileFacts(f.path).test)) [num, den] = [2 * num - den, 2 * den];
  if (num < 0) num = 0;
  return Math.floor((20 * num + den) / (2 * den)) / 10;
}

const FEATURE_WORDS = new Set(['feature', 'add', 'implement', 'new', 'support', 'enable', 'introduce', 'create', 'build', 'develop', 'enhance', 'improve', 'upgrade']);
const hasWord = (s: string | null) => (s ?? '').toLowerCase().split(/[^a-z0-9_]+/).some((w) => FEATURE_WORDS.has(w));
export function feature(pr: Pick<Pr, 'labels' | 'title' | 'body'>, risk: number): { rule: string; confidence: number } {
  if (pr.labels.some((l) => /(^|[^a-z])(feature|feat|enhancement)s?([^a-z]|$)/i.test(l))) return { rule: 'label', confidence: 0.9 };
  if (hasWord(pr.title)) return { rule: 'title_keyword', confidence: 0.7 };
  if (hasWord(pr.body)) return { rule: 'body_keyword', confidence: 0.6 };
  if (pr.labels.length === 0 && risk < 3) return { rule: 'low_risk_unlabeled', confidence: 0.3 };
  return { rule: 'excluded', confidence: 0 };
}

// ---- tables ----
export interface Expected {
  repo_prs: Record<string, unknown>[];
  authors: Record<string, unknown>[];
  author_metrics_daily: Record<string, unknown>[];
  author_metrics_window: Record<string, unknown>[];
  author_prs_window: Record<string, unknown>[];
  author_file_ownership: Record<string, unknown>[];
}

export function reference(raw: Awaited<ReturnType<typeof readRaw>>, tz: string, asOf: string): Expected {
  const scored = raw.prs.map((p) => {
    const risk = prRisk(p);
    const f = feature(p, risk);
    const cd = dayIn(p.createdAt, tz);
    const md = p.mergedAt ? dayIn(p.mergedAt, tz) : null;
    return { ...p, risk, high: risk >= 7, ...f, cd, md, lines: p.additions + p.deletions };
  });
  const repo_prs = scored.map((p) => {
    const lines = p.additions + p.deletions;
    const text = `${p.title} ${p.body ?? ''}`;
    const top = p.files
      .map((f) => ({ path: f.path, score: fileScore(f, text).score, lines: f.additions + f.deletions }))
      .filter((f) => f.score > 0)
      .sort((a, b) => b.score - a.score || b.lines - a.lines || (a.path < b.path ? -1 : 1))
      .slice(0, 5);
    return {
      repo_name: p.repo, pr_number: p.number, author: p.author, is_merged: p.merged, merged_at: p.mergedAt?.toISOString() ?? null, risk_score: p.risk, high_risk: p.high,
      feature_rule: p.rule, feature_confidence: p.confidence,
      labels_full: [...p.labels, `risk:${p.risk >= 7 ? 'high' : p.risk >= 4 ? 'medium' : 'low'}`, `state:${p.merged ? 'merged' : p.state.toLowerCase()}`, `size:${lines > 1000 ? 'large' : lines > 100 ? 'medium' : 'small'}`],
      top_risky_files: top,
    };
  });
  const people = scored.filter((p) => !p.bot);

  const latest = new Map<string, (typeof raw.people)[number]>();
  for (const c of raw.people) {
    const k = c.username.toLowerCase();
    if (!latest.has(k) || latest.get(k)!.updated_at < c.updated_at) latest.set(k, c);
  }
  const authors = [...new Set(people.map((p) => p.author))].map((u) => ({ username: u, display_name: latest.get(u.toLowerCase())?.display_name ?? null, avatar_url: latest.get(u.toLowerCase())?.avatar_url ?? null }));

  // Daily, dense over each author's span in each repository.
  const daily = new Map<string, { sub: number; mer: number; lines: number; hr: number; feat: number }>();
  const spans = new Map<string, { lo: string; hi: string }>();
  const bump = (k: string, d: string) => {
    const s = spans.get(k);
    spans.set(k, { lo: !s || d < s.lo ? d : s.lo, hi: !s || d > s.hi ? d : s.hi });
  };
  const cell = (k: string) => daily.get(k) ?? (daily.set(k, { sub: 0, mer: 0, lines: 0, hr: 0, feat: 0 }), daily.get(k)!);
  for (const p of people) {
    const pair = `${p.author}\u0000${p.repo}`;
    bump(pair, p.cd);
    const c = cell(`${pair}\u0000${p.cd}`);
    c.sub++;
    c.lines += p.lines;
    if (p.high) c.hr++;
    if (p.md) {
      bump(pair, p.md);
      const m = cell(`${pair}\u0000${p.md}`);
      m.mer++;
      if (p.confidence > 0) m.feat++;
    }
  }
  const author_metrics_daily: Record<string, unknown>[] = [];
  for (const [pair, s] of spans) {
    const [username, repo_name] = pair.split('\u0000');
    for (const d of daysBetween(s.lo, s.hi)) {
      const c = daily.get(`${pair}\u0000${d}`) ?? { sub: 0, mer: 0, lines: 0, hr: 0, feat: 0 };
      author_metrics_daily.push({ username, repo_name, day: d, prs_submitted: c.sub, prs_merged: c.mer, lines_changed: c.lines, high_risk_prs: c.hr, features_merged: c.feat });
    }
  }

  // Windows.
  const repos = [...new Set(scored.map((p) => p.repo))];
  const firstDay = new Map(repos.map((r) => [r, scored.filter((p) => p.repo === r).map((p) => p.cd).sort()[0]!]));
  const windows = (repo: string) => [7, 15, 30, 60, 90, 999].map((w) => ({ w, start: w === 999 ? firstDay.get(repo)! : addDays(asOf, -(w - 1)) }));
  const inWin = (d: string | null, start: string) => d !== null && d >= start && d <= asOf;

  const author_file_ownership: Record<string, unknown>[] = [];
  const owns = new Map<string, { a: number; t: number }>();
  for (const repo of repos) {
    for (const { w, start } of windows(repo)) {
      const per = new Map<string, Map<string, { lines: number; last: Date }>>();
      for (const p of people) {
        if (p.repo !== repo || !p.merged || !inWin(p.md, start)) continue;
        for (const f of p.files) {
          const m = per.get(f.path) ?? new Map();
          const e = m.get(p.author) ?? { lines: 0, last: new Date(0) };
          e.lines += f.additions + f.deletions;
          if (p.mergedAt! > e.last) e.last = p.mergedAt!;
          m.set(p.author, e);
          per.set(f.path, m);
        }
      }
      for (const [path, m] of per) {
        const total = [...m.values()].reduce((a, e) => a + e.lines, 0);
        if (total === 0) continue;
        for (const [u, e] of m) {
          author_file_ownership.push({ username: u, repo_name: repo, window_days: w, start_date: start, end_date: asOf, file_id: `${repo}:${path}`, file_path: path, ownership_pct: (100 * e.lines) / total, author_lines: e.lines, total_lines: total, last_touched: e.last.toISOString() });
          owns.set(`${u}\u0000${repo}\u0000${w}\u0000${path}`, { a: e.lines, t: total });
        }
      }
    }
  }

  const author_metrics_window: Record<string, unknown>[] = [];
  const author_prs_window: Record<string, unknown>[] = [];
  for (const [pair, s] of spans) {
    const [username, repo] = pair.split('\u0000') as [string, string];
    if (s.lo > asOf) continue;
    const mine = people.filter((p) => p.author === username && p.repo === repo);
    for (const { w, start } of windows(repo)) {
      const sub = mine.filter((p) => inWin(p.cd, start));
      const mer = mine.filter((p) => inWin(p.md, start));
      const hr = sub.filter((p) => p.high).length;
      const own = mer.filter((p) => {
        if (p.risk > 3) return false;
        const changed = p.files.filter((f) => f.additions + f.deletions > 0);
        return changed.length > 0 && changed.every((f) => {
          const o = owns.get(`${username}\u0000${repo}\u0000${w}\u0000${f.path}`);
          return o !== undefined && o.a * 2 >= o.t;
        });
      }).length;
      author_metrics_window.push({
        username, repo_name: repo, window_days: w, start_date: start, end_date: asOf, prs_submitted: sub.length, prs_merged: mer.length, high_risk_prs: hr,
        high_risk_rate: sub.length ? hr / sub.length : null, lines_changed: sub.reduce((a, p) => a + p.lines, 0), ownership_low_risk_prs: own,
      });
      for (const p of mine.filter((x) => inWin(x.cd, start) || inWin(x.md, start))) {
        author_prs_window.push({ username, repo_name: repo, window_days: w, start_date: start, end_date: asOf, pr_number: p.number, title: p.title, merged_at: p.mergedAt?.toISOString() ?? null, risk_score: p.risk, high_risk: p.high, feature_rule: p.rule, feature_confidence: p.confidence });
      }
    }
  }
  return { repo_prs, authors, author_metrics_daily, author_metrics_window, author_prs_window, author_file_ownership };
}

/** What Shipped's summary over all time, from the raw rows: merged PRs (bots included, as repo_prs has them) the filters leave. */
export function shippedSummaryReference(raw: Awaited<ReturnType<typeof readRaw>>, f: { author?: string; band?: 'low' | 'medium' | 'high'; featuresOnly?: boolean } = {}) {
  const bandOf = (r: number): 'low' | 'medium' | 'high' => (r >= 7 ? 'high' : r > 3 ? 'medium' : 'low');
  const prs = raw.prs
    .filter((p) => p.merged)
    .map((p) => {
      const risk = prRisk(p);
      return { ...p, band: bandOf(risk), ...feature(p, risk) };
    })
    .filter((p) => (!f.author || p.author === f.author) && (!f.band || p.band === f.band) && (!f.featuresOnly || p.confidence > 0));
  const per = new Map<string, { prs: number; features: number }>();
  const risk = { low: 0, medium: 0, high: 0 };
  const featureSplit: Record<string, number> = {};
  for (const p of prs) {
    const a = per.get(p.author) ?? { prs: 0, features: 0 };
    a.prs++;
    if (p.confidence > 0) a.features++;
    per.set(p.author, a);
    risk[p.band]++;
    featureSplit[p.rule] = (featureSplit[p.rule] ?? 0) + 1;
  }
  const topAuthors = [...per].map(([author, v]) => ({ author, ...v })).sort((a, b) => b.prs - a.prs || (a.author < b.author ? -1 : 1)).slice(0, 5);
  return { merged: prs.length, features: prs.filter((p) => p.confidence > 0).length, authors: per.size, lines: prs.reduce((s, p) => s + p.additions + p.deletions, 0), topAuthors, risk, featureSplit };
}
