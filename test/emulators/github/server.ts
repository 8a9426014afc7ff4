// HTTP front of the GitHub emulator: auth, latency, rate limits, faults,
// ETags, then REST routes or GraphQL execution.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DatasetUser } from './dataset.ts';
import { FaultInjector } from './faults.ts';
import type { RequestFault } from './faults.ts';
import { executeGraphQL, prepareGraphQL } from './graphql/handler.ts';
import { returnedNodes } from './returned-nodes.ts';
import { githubSchema } from './graphql/schema.ts';
import { isoSeconds, nodeId, NODE_PREFIX } from './ids.ts';
import { DEFAULT_TOKEN, DEFAULT_TOKEN_SPEC, emptyStats } from './options.ts';
import type { AccessLogEntry, EmulatorOptions, EmulatorStats, TokenSpec } from './options.ts';
import { RateLimiter, rateLimitHeaders } from './rate-limit.ts';
import type { BucketState, Resource } from './rate-limit.ts';
import { toJson } from './rest/render.ts';
import { DOCS, matchRest, notFound } from './rest/routes.ts';
import type { RestEnv } from './rest/routes.ts';
import { storeFor } from './store.ts';
import type { RepoEntry, Store } from './store.ts';

export type { AccessLogEntry, EmulatorOptions, EmulatorStats, TokenSpec } from './options.ts';
export { DEFAULT_TOKEN } from './options.ts';

export interface GitHubEmulator {
  url: string; // REST base, e.g. http://127.0.0.1:PORT
  graphqlUrl: string; // `${url}/graphql`
  token: string; // first accepted token
  /** Live counters (mutated in place; `resetStats()` zeroes them). */
  stats: EmulatorStats;
  /** Requests so far when `accessLog: true` (cleared by resetStats). */
  accessLog: AccessLogEntry[];
  setOptions(partial: Partial<Omit<EmulatorOptions, 'port'>>): void;
  resetStats(): void;
  resetRateLimits(): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown; // JSON-serialized unless a string
  headers?: Record<string, string>;
  nodes?: number; // items returned (drives latencyPerNodeMs)
}


const GRAPHQL_DOCS = 'https://docs.github.com/graphql';
const SECONDARY_DOCS = 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const PRIMARY_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
const STATUS_TEXT: Record<number, string> = { 500: 'Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
const TIMEOUT_MESSAGE = "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === bare);
}

export async function startGitHubEmulator(initial: EmulatorOptions): Promise<GitHubEmulator> {
  let options: EmulatorOptions = { ...initial };
  let faults = new FaultInjector(options.faults, options.seed);
  const stats = emptyStats();
  const limiter = new RateLimiter(() => options.rateLimit ?? {});
  const inFlight = new Map<string, number>();
  const viewers = new WeakMap<Store, Map<string, DatasetUser>>();
  let requestSeq = 0;
  let api = '';
  const accessLog: AccessLogEntry[] = [];
  githubSchema(); // build schema and index before the first request, not during it
  storeFor(options.dataset);

  const tokens = (): TokenSpec[] => options.tokens ?? [DEFAULT_TOKEN_SPEC];

  const viewerOf = (store: Store, spec: TokenSpec, index: number): DatasetUser => {
    let byLogin = viewers.get(store);
    if (!byLogin) viewers.set(store, (byLogin = new Map()));
    let u = byLogin.get(spec.login);
    if (!u) {
      const known = store.user(spec.login);
      const databaseId = spec.databaseId ?? known?.databaseId ?? 9_900_000 + index;
      u = known ?? { login: spec.login, databaseId, id: nodeId(NODE_PREFIX.User, databaseId), type: 'User', name: null, createdAt: '2012-03-04T05:06:07Z' };
      byLogin.set(spec.login, u);
    }
    return u;
  };

  const count = (record: Record<string, number>, key: string): void => {
    record[key] = (record[key] ?? 0) + 1;
  };

  const send = (res: ServerResponse, reply: Reply, method: string): void => {
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28', 'x-github-request-id': `E${(++requestSeq).toString(16).toUpperCase().padStart(7, '0')}:EMU`,
      ...reply.headers,
    };
    if (reply.status === 304) delete headers['content-type'];
    else headers['content-length'] = Buffer.byteLength(text);
    res.writeHead(reply.status, headers);
    res.end(method === 'HEAD' || reply.status === 304 ? undefined : text);
  };

  const secondary = (fault: { status?: 403 | 429; retryAfterSec?: number }, bucket: BucketState, id: string): Reply => {
    stats.secondaryRateLimited++;
    const status = fault.status ?? 403;
    return {
      status,
      headers: { ...rateLimitHeaders(bucket), 'retry-after': String(fault.retryAfterSec ?? 1) },
      body: {
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${id}.`,
        documentation_url: SECONDARY_DOCS, status: String(status),
      },
    };
  };

  const injected = (fault: RequestFault, bucket: BucketState): Reply => {
    stats.faults++;
    count(stats.faultsByKind, fault.kind === 'status' ? `status:${fault.status}` : 'secondary');
    if (fault.kind === 'secondary') return secondary(fault, bucket, `E${requestSeq + 1}`);
    return {
      status: fault.status, headers: rateLimitHeaders(bucket),
      body: fault.body ?? { message: STATUS_TEXT[fault.status], documentation_url: DOCS, status: String(fault.status) },
    };
  };

  const primaryLimited = (status: number, bucket: BucketState, user: DatasetUser): Reply => {
    stats.primaryRateLimited++;
    return {
      status, headers: rateLimitHeaders({ ...bucket, remaining: 0 }),
      body: { message: `API rate limit exceeded for user ID ${user.databaseId}.`, documentation_url: PRIMARY_DOCS, status: String(status) },
    };
  };

  const omitted = (e: RepoEntry): ReadonlySet<number> | undefined => faults.omitted(`${e.repo.owner}/${e.repo.name}`);

  const handleGraphql = (raw: string, store: Store, user: DatasetUser, spec: TokenSpec, scopeHeaders: Record<string, string>): Reply => {
    const key = user.login;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { status: 400, headers: rateLimitHeaders(limiter.state(key, 'graphql')), body: { message: 'Problems parsing JSON', documentation_url: GRAPHQL_DOCS } };
    }
    const prepared = prepareGraphQL(body, options.maxNodes ?? 500_000);
    let bucket = limiter.state(key, 'graphql');
    if (!prepared.ok) return { status: prepared.status, headers: { ...rateLimitHeaders(bucket), ...scopeHeaders }, body: prepared.body };
    const { analysis } = prepared.query;
    const timeout = faults.graphqlTimeout(analysis.nodes);
    if (timeout) {
      stats.faults++;
      count(stats.faultsByKind, 'graphqlTimeout');
      const body = timeout.style === 'graphql'
        ? { data: null, errors: [{ message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`E${requestSeq + 1}:EMU\` when reporting this issue.` }] }
        : { message: TIMEOUT_MESSAGE, documentation_url: GRAPHQL_DOCS };
      return { status: timeout.status ?? 502, headers: rateLimitHeaders(bucket), body };
    }
    const cost = analysis.dryRun ? 0 : analysis.cost;
    if (bucket.remaining < Math.max(cost, 1)) {
      const status = options.rateLimit?.graphqlPrimaryStatus ?? 200;
      if (status !== 200) return primaryLimited(status, bucket, user);
      stats.primaryRateLimited++;
      return {
        status: 200, headers: { ...rateLimitHeaders(bucket), ...scopeHeaders },
        body: { errors: [{ type: 'RATE_LIMITED', message: `API rate limit exceeded for user ID ${user.databaseId}.` }] },
      };
    }
    if (cost > 0) bucket = limiter.charge(key, 'graphql', cost);
    stats.graphqlPoints += cost;
    stats.graphqlNodes += analysis.nodes;
    const answer = executeGraphQL(prepared.query, {
      store, viewer: user, canSeePrivate: (spec.scopes ?? []).includes('repo'), omitted,
      rate: { limit: bucket.limit, cost: analysis.cost, remaining: bucket.remaining, resetAt: isoSeconds(bucket.reset * 1000), used: bucket.used, nodeCount: analysis.nodes },
    });
    return { status: 200, headers: { ...rateLimitHeaders(bucket), ...scopeHeaders }, body: answer.text, nodes: answer.nodes };
  };

  const rateLimitBody = (key: string): unknown => {
    const r = (res: Resource): Record<string, number> => {
      const s = limiter.state(key, res);
      return { limit: s.limit, remaining: s.remaining, reset: s.reset, used: s.used };
    };
    const core = r('core');
    const fixed = (limit: number): Record<string, number> => ({ limit, remaining: limit, reset: core.reset, used: 0 });
    return {
      resources: { core, search: r('search'), graphql: r('graphql'), integration_manifest: fixed(5000), code_search: fixed(10), source_import: fixed(100) },
      rate: core,
    };
  };

  const handleRest = (method: string, url: URL, req: IncomingMessage, store: Store, user: DatasetUser, spec: TokenSpec, scopeHeaders: Record<string, string>): Reply => {
    const key = user.login;
    if (url.pathname === '/rate_limit') return { status: 200, headers: { ...rateLimitHeaders(limiter.state(key, 'core')), ...scopeHeaders }, body: rateLimitBody(key) };
    let bucket = limiter.state(key, 'core');
    if (bucket.remaining <= 0) return primaryLimited(options.rateLimit?.primaryStatus ?? 403, bucket, user);
    const route = matchRest(method, url.pathname, url.search);
    const env: RestEnv = { render: { api, store }, viewer: user, scopes: spec.scopes ?? [], canSeePrivate: (spec.scopes ?? []).includes('repo'), omitted };
    const result = route ? route.run(env) : notFound();
    const { text, fingerprint } = toJson(env.render, result.body);
    const etag = `W/"${createHash('sha256').update(fingerprint).digest('hex')}"`;
    if (result.status === 200 && etagMatches(req.headers['if-none-match'], etag)) {
      stats.notModified++; // conditional hits are free, as on GitHub
      return { status: 304, headers: { ...rateLimitHeaders(bucket), ...scopeHeaders, etag, ...result.headers } };
    }
    bucket = limiter.charge(key, 'core', 1);
    if (result.status === 301) stats.redirects++;
    const cache: Record<string, string> = result.status === 200 ? { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization, Cookie, X-GitHub-OTP' } : {};
    return { status: result.status, headers: { ...rateLimitHeaders(bucket), ...scopeHeaders, ...cache, ...result.headers }, body: text, nodes: returnedNodes(result.body) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const raw = method === 'POST' ? await readBody(req) : '';
    const url = new URL(req.url ?? '/', api);
    const isGraphql = url.pathname === '/graphql';
    stats.requests++;
    if (isGraphql) stats.graphqlRequests++;
    else stats.restRequests++;
    const routeKey = isGraphql ? `${method} /graphql` : matchRest(method, url.pathname, url.search)?.key ?? (url.pathname === '/rate_limit' ? 'GET /rate_limit' : `${method} (unknown)`);
    count(stats.byRoute, routeKey);
    const logTo = options.accessLog;
    if (logTo) {
      const at = new Date();
      res.once('finish', () => {
        const entry: AccessLogEntry = { at: at.toISOString(), method, path: url.pathname + url.search, route: routeKey, status: res.statusCode, ms: Date.now() - at.getTime() };
        if (isGraphql) {
          try {
            const op = (JSON.parse(raw) as { operationName?: unknown }).operationName;
            if (typeof op === 'string') entry.operation = op;
          } catch { /* logged without it */ }
        }
        if (typeof logTo === 'function') logTo(entry);
        else accessLog.push(entry);
      });
    }
    const latency = options.latencyMs ?? 0;

    const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const specs = tokens();
    const index = auth ? specs.findIndex((t) => t.token === auth[1]) : -1;
    if (index < 0) {
      stats.unauthorized++;
      if (latency) await sleep(latency);
      const anon = limiter.charge('\u0000anonymous', 'core', 1);
      const headers = rateLimitHeaders({ ...anon, limit: 60, remaining: Math.max(0, 60 - anon.used) });
      return send(res, { status: 401, headers, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } }, method);
    }
    const spec = specs[index];
    const store = storeFor(options.dataset);
    const user = viewerOf(store, spec, index);
    const scopeHeaders = { 'x-oauth-scopes': (spec.scopes ?? []).join(', '), 'x-accepted-oauth-scopes': isGraphql ? '' : 'repo' };
    inFlight.set(user.login, (inFlight.get(user.login) ?? 0) + 1);
    try {
      const concurrent = inFlight.get(user.login)!;
      stats.peakConcurrent = Math.max(stats.peakConcurrent, concurrent);
      if (latency) await sleep(latency);
      const bucket = limiter.state(user.login, isGraphql ? 'graphql' : 'core');
      const max = options.rateLimit?.maxConcurrent;
      if (max !== undefined && concurrent > max) {
        stats.faultsByKind.concurrency = (stats.faultsByKind.concurrency ?? 0) + 1;
        return send(res, secondary({ status: 403, retryAfterSec: 1 }, bucket, `E${requestSeq + 1}`), method);
      }
      const fault = faults.pick(isGraphql ? 'graphql' : 'rest', routeKey);
      if (fault) return send(res, injected(fault, bucket), method);
      const computeStart = performance.now();
      const reply: Reply = isGraphql ? (method === 'POST' ? handleGraphql(raw, store, user, spec, scopeHeaders) : notFound()) : handleRest(method, url, req, store, user, spec, scopeHeaders);
      // Bigger answers take longer, as on GitHub: fewer, larger pages are not free. The per-item time
      // is GitHub's work on the answer, so the emulator's own work on it counts inside it, not on top
      // (on a loaded machine it would otherwise add an arbitrary, unstated cost per page).
      stats.nodesReturned += reply.nodes ?? 0;
      const perItemMs = (options.latencyPerNodeMs ?? 0) * (reply.nodes ?? 0) - (performance.now() - computeStart);
      if (perItemMs > 0) await sleep(perItemMs);
      return send(res, reply, method);
    } finally {
      inFlight.set(user.login, inFlight.get(user.login)! - 1);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Emulator bugs surface as 500s with the cause, not as hung requests.
      if (!res.headersSent) send(res, { status: 500, body: { message: `Emulator error: ${(error as Error).stack ?? String(error)}` } }, 'GET');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(initial.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  api = `http://127.0.0.1:${port}`;

  return {
    url: api,
    graphqlUrl: `${api}/graphql`,
    token: tokens()[0]?.token ?? DEFAULT_TOKEN,
    stats,
    accessLog,
    setOptions(partial) {
      options = { ...options, ...partial };
      if (partial.dataset) storeFor(partial.dataset);
      if ('faults' in partial || 'seed' in partial) faults = new FaultInjector(options.faults, options.seed);
    },
    resetStats() {
      Object.assign(stats, emptyStats());
      accessLog.length = 0;
    },
    resetRateLimits() {
      limiter.reset();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
