// Fault injection: secondary rate limits, 5xx answers, GraphQL timeouts for
// large queries, and list pages that silently leave out some rows.
import { createRng } from './ids.ts';

export interface FaultTrigger {
  /** Fire on every Nth matching request (1-based count of requests this rule matched). */
  every?: number;
  /** Fire with this probability (seeded by the emulator's `seed`, so runs repeat). */
  probability?: number;
  /** Fire on these matching-request ordinals (1-based). */
  atRequests?: number[];
  /** Stop after this many injections. */
  times?: number;
  /** Only REST or only GraphQL requests. */
  api?: 'rest' | 'graphql';
  /** Only this route key (as in `stats.byRoute`, e.g. 'GET /repos/{owner}/{repo}/pulls') or pattern. */
  route?: string | RegExp;
}

export type SecondaryFault = FaultTrigger & { kind: 'secondary'; status?: 403 | 429; retryAfterSec?: number };
export type StatusFault = FaultTrigger & { kind: 'status'; status: 500 | 502 | 503 | 504; body?: unknown };
/**
 * GraphQL queries whose possible node count exceeds `maxNodes` time out with 502. Body style
 * 'gateway' (default): `{ message: "We couldn't respond to your request in time…" }`; 'graphql':
 * `{ data: null, errors: [{ message: 'Something went wrong while executing your query. This may be the result of a timeout…' }] }`.
 */
export interface GraphqlTimeoutFault { kind: 'graphqlTimeout'; maxNodes: number; status?: 502 | 504; style?: 'gateway' | 'graphql'; times?: number }
/** List pages (REST and GraphQL, incl. search) leave these rows out; counts still include them. */
export interface OmitFault { kind: 'omitFromPages'; repo: string; pullRequestNumbers?: number[]; issueNumbers?: number[] }

export type FaultRule = SecondaryFault | StatusFault | GraphqlTimeoutFault | OmitFault;
export type RequestFault = SecondaryFault | StatusFault;

interface RuleState {
  rule: FaultRule;
  matched: number;
  fired: number;
  rng: () => number;
}

export class FaultInjector {
  private readonly states: RuleState[];
  private readonly omit = new Map<string, Set<number>>();

  constructor(rules: FaultRule[] = [], seed = 1) {
    this.states = rules.map((rule, i) => ({ rule, matched: 0, fired: 0, rng: createRng(seed * 1000 + i) }));
    for (const rule of rules) {
      if (rule.kind !== 'omitFromPages') continue;
      const key = rule.repo.toLowerCase();
      const set = this.omit.get(key) ?? new Set<number>();
      for (const n of [...(rule.pullRequestNumbers ?? []), ...(rule.issueNumbers ?? [])]) set.add(n);
      this.omit.set(key, set);
    }
  }

  /** Advances every matching rule's counter; returns the first one that fires. */
  pick(api: 'rest' | 'graphql', route: string): RequestFault | undefined {
    let hit: RequestFault | undefined;
    for (const s of this.states) {
      const r = s.rule;
      if (r.kind !== 'secondary' && r.kind !== 'status') continue;
      if (r.api && r.api !== api) continue;
      if (r.route !== undefined && (typeof r.route === 'string' ? r.route !== route : !r.route.test(route))) continue;
      s.matched++;
      const roll = r.probability !== undefined ? s.rng() : 1; // draw even when another rule fired, for stable streams
      if (hit || (r.times !== undefined && s.fired >= r.times)) continue;
      const scheduled = r.every !== undefined || r.probability !== undefined || r.atRequests !== undefined;
      const fires = !scheduled
        || (r.every !== undefined && s.matched % r.every === 0)
        || (r.probability !== undefined && roll < r.probability)
        || (r.atRequests?.includes(s.matched) ?? false);
      if (fires) {
        s.fired++;
        hit = r;
      }
    }
    return hit;
  }

  graphqlTimeout(nodes: number): GraphqlTimeoutFault | undefined {
    for (const s of this.states) {
      const r = s.rule;
      if (r.kind !== 'graphqlTimeout' || nodes <= r.maxNodes || (r.times !== undefined && s.fired >= r.times)) continue;
      s.fired++;
      return r;
    }
    return undefined;
  }

  /** Numbers to leave out of list pages for a repository ("owner/name"). */
  omitted(fullName: string): ReadonlySet<number> | undefined {
    return this.omit.get(fullName.toLowerCase());
  }
}
