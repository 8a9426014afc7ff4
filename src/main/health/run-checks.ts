// Runs health checks in parallel, each against its own deadline. A check that hangs — even one
// that ignores its AbortSignal — is reported `down` at its timeout and never delays the others:
// the runner races every check against its timer instead of waiting for it to give up.
import { OpsError } from '../../shared/errors.ts';
import { STATUSES, worstStatus, type Status } from '../../shared/status.ts';
import { VERSION } from '../core/version.ts';
import { Redactor } from '../logging/redact.ts';
import { onAbort } from './abort.ts';
import { errorText, oneLine } from './format.ts';
import type { Check, CheckOutcome, CheckResult, HealthReport, HealthRun } from './types.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface RunChecksOptions {
  /** Deadline of each check unless the check sets its own `timeoutMs`. Default 10 s. */
  timeoutMs?: number;
  /** Cancels the run: checks still running report `unknown` ("cancelled"). */
  signal?: AbortSignal;
  /** Called as each check finishes, so a UI can show results as they come. */
  onResult?: (result: CheckResult) => void;
  /** For the report; default: the app's version. */
  version?: string;
  now?: () => Date;
}

export async function runChecks(checks: readonly Check[], options: RunChecksOptions = {}): Promise<HealthRun> {
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  const seen = new Set<string>();
  for (const c of checks) {
    if (seen.has(c.id)) throw new OpsError('invalid_input', `Two health checks have the id "${c.id}": ids must be unique.`);
    seen.add(c.id);
    const t = c.timeoutMs ?? defaultTimeout;
    if (!(t > 0) || !Number.isFinite(t)) throw new OpsError('invalid_input', `The timeout of health check "${c.id}" must be a positive number of milliseconds, not ${t}.`);
  }
  const started = performance.now();
  const results = await Promise.all(
    checks.map(async (check) => {
      const result = await runOne(check, check.timeoutMs ?? defaultTimeout, now, options.signal);
      try {
        options.onResult?.(result);
      } catch {
        // a listener's bug must not lose the result
      }
      return result;
    }),
  );
  return { results, report: overallReport(results, options.version ?? VERSION, now()), durationMs: performance.now() - started };
}

/** The What-the-Repo shape: worst status wins; nothing unchecked can be called healthy. */
export function overallReport(results: readonly Pick<CheckResult, 'id' | 'status'>[], version: string = VERSION, at: Date = new Date()): HealthReport {
  const worst = worstStatus(results.map((r) => r.status));
  return {
    status: worst === 'unknown' ? 'degraded' : worst,
    timestamp: at.toISOString(),
    version,
    services: Object.fromEntries(results.map((r) => [r.id, r.status])),
  };
}

async function runOne(check: Check, timeoutMs: number, now: () => Date, outer: AbortSignal | undefined): Promise<CheckResult> {
  const checkedAt = now().toISOString();
  const controller = new AbortController();
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let settle!: (o: CheckOutcome) => void;
  const settled = new Promise<CheckOutcome>((r) => (settle = r));
  let finished = false;
  // First writer wins: the timer, a cancel, or the check itself.
  const finish = (o: CheckOutcome): void => {
    if (finished) return;
    finished = true;
    settle(o);
  };

  const timer = setTimeout(() => {
    finish(timedOut(timeoutMs, elapsed()));
    controller.abort(new OpsError('timeout', `${check.name} timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const stopOuter = outer
    ? onAbort(outer, () => {
        finish(cancelled(elapsed()));
        controller.abort(new OpsError('cancelled', 'The health check run was cancelled.'));
      })
    : () => undefined;

  let work: Promise<CheckOutcome>;
  try {
    work = Promise.resolve(check.run(controller.signal));
  } catch (e) {
    work = Promise.reject(e);
  }
  work.then(
    (o) => finish(validated(o) ?? failed(check, new Error('the check returned an invalid result'), elapsed())),
    (e: unknown) => finish(failed(check, e, elapsed())),
  );

  const o = await settled;
  clearTimeout(timer);
  stopOuter();
  const redactor = new Redactor();
  for (const s of check.secrets ?? []) redactor.add(s);
  const clean = redactor.value(o);
  return {
    id: check.id,
    kind: check.kind,
    name: check.name,
    status: worstStatus([clean.status, ...clean.findings.map((f) => f.status)]),
    latencyMs: clean.latencyMs,
    summary: clean.summary,
    details: clean.details,
    findings: clean.findings,
    checkedAt,
  };
}

function timedOut(timeoutMs: number, ms: number): CheckOutcome {
  const message = `timed out after ${timeoutMs} ms`;
  return {
    status: 'down',
    latencyMs: ms,
    summary: `No answer: ${message}`,
    details: { timedOut: true, timeoutMs },
    findings: [{ status: 'down', message: `The service did not answer: ${message}`, threshold: `check timeout ${timeoutMs} ms` }],
  };
}

function cancelled(ms: number): CheckOutcome {
  return { status: 'unknown', latencyMs: ms, summary: 'Cancelled before it finished', details: { cancelled: true }, findings: [] };
}

function failed(check: Check, e: unknown, ms: number): CheckOutcome {
  const message = e instanceof OpsError ? oneLine(e.message, 500) : `${check.name} check failed: ${oneLine(errorText(e), 400)}`;
  return {
    status: 'down',
    latencyMs: null,
    summary: message,
    details: { error: e instanceof OpsError ? e.code : 'internal', elapsedMs: ms },
    findings: [{ status: 'down', message }],
  };
}

const isStatus = (s: unknown): s is Status => typeof s === 'string' && (STATUSES as readonly string[]).includes(s);

/** Guards the UI against a check's bug: a malformed outcome becomes a `down` with a message. */
function validated(o: unknown): CheckOutcome | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const r = o as Partial<CheckOutcome>;
  if (!isStatus(r.status) || typeof r.summary !== 'string') return undefined;
  if (r.latencyMs !== null && (typeof r.latencyMs !== 'number' || !Number.isFinite(r.latencyMs))) return undefined;
  if (!Array.isArray(r.findings) || !r.findings.every((f) => f && isStatus(f.status) && typeof f.message === 'string')) return undefined;
  if (!r.details || typeof r.details !== 'object' || Array.isArray(r.details)) return undefined;
  return { status: r.status, latencyMs: r.latencyMs, summary: r.summary, details: r.details, findings: r.findings };
}
