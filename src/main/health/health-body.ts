// Reads what a service says about itself in a /health answer. The runbooks' services answer
// {"status":"healthy","services":{"supabase":"connected",…}} (What the Repo),
// {"status":"ready","checks":{"database":"healthy","celery":"no workers"}} or a 503 with
// {"detail":{"redis":"unhealthy: …"}} (leaderboard), {"status":"alive"}; others use
// {"status":"UP","components":{"db":{"status":"DOWN"}}} (Spring) or "pass"/"warn"/"fail" (RFC draft).
import type { Status } from '../../shared/status.ts';

const HEALTHY = /^(healthy|ok|okay|up|pass|passed|passing|connected|ready|alive|live|available|green|good|success|running|serving|true)$/i;
const DEGRADED = /^(degraded|warn|warning|partial|partially[ _-]available|slow|yellow|limited)\b/i;
const DOWN = /^(unhealthy|down|fail|failed|failing|failure|error|critical|red|disconnected|unavailable|not[ _-]?ready|not[ _-]?serving|dead|unreachable|timeout|timed out|no workers|false|out[ _-]of[ _-]service)\b/i;

/** A status word (or "unhealthy: reason") on our palette; unknown words stay unknown. */
export function statusWord(value: unknown): Status {
  if (typeof value === 'boolean') return value ? 'healthy' : 'down';
  if (typeof value !== 'string') return 'unknown';
  const v = value.trim();
  if (HEALTHY.test(v)) return 'healthy';
  if (DOWN.test(v)) return 'down';
  if (DEGRADED.test(v)) return 'degraded';
  return 'unknown';
}

export interface BodyHealth {
  /** The body's own top-level status word, if any. */
  statusText?: string;
  status?: Status;
  /** Dependency → its state as the service words it. */
  dependencies: Record<string, { text: string; status: Status }>;
}

const GROUPS = ['services', 'checks', 'components', 'dependencies', 'details', 'detail', 'results'];

export function readHealthBody(json: unknown): BodyHealth {
  const out: BodyHealth = { dependencies: {} };
  if (!json || typeof json !== 'object' || Array.isArray(json)) return out;
  const body = json as Record<string, unknown>;
  const own = body.status ?? body.state ?? body.health;
  if (typeof own === 'string' || typeof own === 'boolean') {
    out.statusText = String(own);
    out.status = statusWord(own);
  }
  for (const g of GROUPS) {
    const group = body[g];
    if (!group || typeof group !== 'object') continue;
    // {"checks":[{"name":"db","status":"pass"}]} as well as {"checks":{"db":"pass"}}
    const entries: [string, unknown][] = Array.isArray(group)
      ? group.map((x, i) => [String((x as Record<string, unknown>)?.name ?? (x as Record<string, unknown>)?.component ?? i), x])
      : Object.entries(group as Record<string, unknown>);
    for (const [name, v] of entries) {
      const state = stateOf(v);
      if (state) out.dependencies[name] = state;
    }
  }
  return out;
}

function stateOf(v: unknown): { text: string; status: Status } | undefined {
  if (typeof v === 'string' || typeof v === 'boolean') return { text: String(v), status: statusWord(v) };
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const s = o.status ?? o.state ?? o.healthy;
    if (typeof s === 'string' || typeof s === 'boolean') {
      const why = typeof o.error === 'string' ? o.error : typeof o.message === 'string' ? o.message : typeof o.output === 'string' ? o.output : '';
      return { text: why ? `${String(s)}: ${why}` : String(s), status: statusWord(s) };
    }
  }
  return undefined;
}

/** "OK", "healthy", "alive" as plain text: a normal answer, not a broken one. */
export function plainOk(body: string): boolean {
  const t = body.trim();
  return t.length > 0 && t.length <= 20 && HEALTHY.test(t.replace(/[.!]$/, ''));
}
