import { OpsError } from '../../shared/errors.ts';

interface PgLikeError {
  code?: string;
  message?: string;
  errno?: number;
}

/** Where a connection goes, without credentials: safe to show and log. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}/${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}`;
  } catch {
    return 'the configured Postgres';
  }
}

/** Turns driver errors into messages an operator can act on. */
export function describePgError(e: unknown, url: string): OpsError {
  if (e instanceof OpsError) return e;
  const err = (e ?? {}) as PgLikeError;
  const target = describeTarget(url);
  const msg = err.message ?? String(e);
  let user = 'the user';
  try {
    user = `"${decodeURIComponent(new URL(url).username)}"`;
  } catch {
    // keep the generic wording
  }
  switch (err.code) {
    case '28P01':
      return new OpsError('unauthorized', `Postgres at ${target} rejected the password for ${user}. Update the Postgres URL in Settings → Profiles.`);
    case '28000':
      if (/SSL|encryption/i.test(msg)) return new OpsError('unavailable', `Postgres at ${target} requires TLS: add ?sslmode=require to the Postgres URL.`);
      return new OpsError('unauthorized', `Postgres at ${target} refused ${user}: ${msg}`);
    case '3D000':
      return new OpsError('not_found', `Postgres at ${target}: ${msg}. Create it or fix the database name in the URL.`);
    case '25006':
      return new OpsError('conflict', `Postgres at ${target} is read-only (a replica, or default_transaction_read_only is on): Repo Ops needs a writable primary.`);
    case '57014':
      return new OpsError('timeout', `A query on ${target} was cancelled by its statement timeout.`);
    case '53300':
      return new OpsError('unavailable', `Postgres at ${target} has no free connection slots (too many clients).`);
    case '57P01':
    case '57P02':
    case '57P03':
      return new OpsError('unavailable', `Postgres at ${target} is shutting down or starting up; try again shortly.`);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return new OpsError('unavailable', `Postgres at ${target} is unreachable (${err.code}). Is it running, and is the host and port right?`);
  }
  if (/timeout expired|Connection terminated due to connection timeout/i.test(msg)) return new OpsError('unavailable', `Postgres at ${target} did not answer in time (connection timeout).`);
  if (/does not support SSL|server does not support SSL/i.test(msg)) return new OpsError('unavailable', `Postgres at ${target} does not support TLS: remove sslmode=require from the URL.`);
  if (/self.signed|certificate/i.test(msg)) return new OpsError('unavailable', `TLS to Postgres at ${target} failed: ${msg}. Use sslmode=no-verify for self-signed certificates, or install the CA.`);
  // "not queryable": the connection broke between two statements of one transaction.
  if (/Connection terminated unexpectedly|terminating connection|connection error and is not queryable/i.test(msg)) return new OpsError('unavailable', `The connection to Postgres at ${target} was lost (${msg}).`);
  return new OpsError('internal', `Postgres at ${target}: ${msg}`);
}
