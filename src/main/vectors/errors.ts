// Turns what the Milvus SDK throws or returns (gRPC errors, Milvus status objects, plain Errors)
// into OpsErrors that name the server and say what to do. Messages never contain the token: gRPC
// details and Milvus reasons do not echo request metadata, and addresses carry no credentials.
import { OpsError } from '../../shared/errors.ts';

export interface ErrorContext {
  /** scheme://host:port of the server. */
  server: string;
  /** What was being done, e.g. "upsert into pr_index". */
  op: string;
  collection?: string;
  /** The deadline that applied, for timeout messages. */
  timeoutMs?: number;
  /** Connecting: a timeout or refusal means the server is unreachable rather than slow. */
  connecting?: boolean;
}

/** The status part of a Milvus response (legacy error_code and/or numeric code). */
export interface StatusLike {
  error_code?: string | number;
  code?: number | string;
  reason?: string;
}

// gRPC status codes (grpc/status.h).
const GRPC = { DEADLINE_EXCEEDED: 4, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;
const AUTH_REASON = /authenticat|credential|permission denied|privilege|api[ -]?key|invalid token|unauthori[sz]ed|access denied/i;
const TLS_REASON = /SSL|TLS|certificate|CERT_|self[- ]signed|handshake|wrong version number|packet length too long/i;
const TOKEN_HINT = 'Check the token: "user:password" for Milvus with authentication, or an API key for Zilliz Cloud.';

export function isSuccess(status: StatusLike | undefined): boolean {
  if (!status) return false;
  const code = Number(status.code ?? 0);
  const ec = status.error_code;
  return code === 0 && (ec === undefined || ec === 0 || ec === '0' || ec === 'Success' || ec === 'SUCCESS');
}

/** Throws the mapped OpsError unless the response status is a success. */
export function ensureOk(status: StatusLike | undefined, ctx: ErrorContext): void {
  if (!isSuccess(status)) throw statusError(status ?? { reason: 'the server returned no status' }, ctx);
}

export function toOpsError(err: unknown, ctx: ErrorContext): OpsError {
  if (err instanceof OpsError) return err;
  if (isGrpcError(err)) return grpcError(err, ctx);
  if (isStatusLike(err)) return statusError(err, ctx);
  const message = err instanceof Error ? err.message : String(err);
  return new OpsError('internal', `Milvus at ${ctx.server} failed to ${ctx.op}: ${message}`);
}

interface GrpcError {
  code: number;
  details?: string;
  message: string;
}

function isGrpcError(err: unknown): err is GrpcError {
  return err instanceof Error && typeof (err as Partial<GrpcError>).code === 'number' && 'details' in err;
}

function isStatusLike(err: unknown): err is StatusLike {
  return typeof err === 'object' && err !== null && ('error_code' in err || 'reason' in err);
}

function grpcError(err: GrpcError, ctx: ErrorContext): OpsError {
  const details = (err.details || err.message).replace(/\s+/g, ' ').trim();
  const secs = ctx.timeoutMs !== undefined ? `${+(ctx.timeoutMs / 1000).toFixed(1)} s` : 'the deadline';
  switch (err.code) {
    case GRPC.UNAUTHENTICATED:
    case GRPC.PERMISSION_DENIED:
      return new OpsError('unauthorized', `Milvus at ${ctx.server} rejected the credentials (${short(details)}). ${TOKEN_HINT}`);
    case GRPC.DEADLINE_EXCEEDED:
      return ctx.connecting
        ? new OpsError('unavailable', `Milvus at ${ctx.server} did not answer within ${secs}. Check that the server is running and reachable, and that the URL's scheme matches the server (https:// for Zilliz Cloud and TLS servers, http:// otherwise).`)
        : new OpsError('timeout', `Milvus at ${ctx.server} took longer than ${secs} to ${ctx.op}. The server may be overloaded; try again, or with smaller batches.`);
    case GRPC.UNAVAILABLE:
      return unavailable(details, ctx);
    case GRPC.UNIMPLEMENTED:
      return new OpsError('unavailable', `The server at ${ctx.server} does not support the call needed to ${ctx.op} (${short(details)}). Is it Milvus 2.4 or newer (or Milvus Lite / Zilliz Cloud)?`);
    default:
      if (AUTH_REASON.test(details)) return new OpsError('unauthorized', `Milvus at ${ctx.server} rejected the credentials (${short(details)}). ${TOKEN_HINT}`);
      return new OpsError('internal', `Milvus at ${ctx.server} failed to ${ctx.op}: ${short(details)}`);
  }
}

function unavailable(details: string, ctx: ErrorContext): OpsError {
  const reach = `Cannot reach Milvus at ${ctx.server}`;
  if (/ECONNREFUSED/.test(details)) {
    return new OpsError('unavailable', `${reach}: connection refused. Start the server, or check the host and port.`);
  }
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed|getaddrinfo/i.test(details)) {
    return new OpsError('unavailable', `${reach}: the host name does not resolve. Check the host in the URL and your network/DNS.`);
  }
  if (TLS_REASON.test(details)) {
    const plainServer = /wrong version number|packet length too long|http request/i.test(details);
    const hint = plainServer
      ? 'The server does not speak TLS: use an http:// URL (or host:port) for it.'
      : /certificate|CERT_|self[- ]signed/i.test(details)
        ? "The server's TLS certificate could not be verified; check the host name and the certificate."
        : 'Check that the server expects TLS (https://) and that its certificate is valid.';
    return new OpsError('unavailable', `TLS handshake with Milvus at ${ctx.server} failed (${short(tlsReason(details))}). ${hint}`);
  }
  if (AUTH_REASON.test(details)) return new OpsError('unauthorized', `Milvus at ${ctx.server} rejected the credentials (${short(details)}). ${TOKEN_HINT}`);
  const tlsHint = ctx.server.startsWith('http://') ? ' If the server uses TLS (Zilliz Cloud does), use an https:// URL.' : '';
  return new OpsError('unavailable', `${reach}: ${short(details)}. Check that the server is running and the URL is right.${tlsHint}`);
}

function statusError(status: StatusLike, ctx: ErrorContext): OpsError {
  const reason = (status.reason || `error ${String(status.error_code ?? status.code)}`).replace(/\s+/g, ' ').trim();
  const code = Number(status.code);
  const ec = String(status.error_code ?? '');
  const where = ctx.collection ? `Collection ${ctx.collection}` : 'The collection';
  if (ec === 'CollectionNotExists' || code === 100) {
    return new OpsError('not_found', `${where} does not exist on ${ctx.server}. Create it first (run the embedding pipeline, or ensureCollection).`);
  }
  if (ec === 'CollectionNotLoaded' || code === 101) {
    return new OpsError('conflict', `${where} on ${ctx.server} is not loaded, so it cannot be searched or counted. Load it first.`);
  }
  if (AUTH_REASON.test(reason) || ec === 'PermissionDenied') {
    return new OpsError('unauthorized', `Milvus at ${ctx.server} refused to ${ctx.op} (${short(reason)}). ${TOKEN_HINT}`);
  }
  return new OpsError('internal', `Milvus at ${ctx.server} refused to ${ctx.op}: ${short(reason)}`);
}

/** OpenSSL errors carry a long hex prefix and source path; keep the readable part. */
function tlsReason(details: string): string {
  const m = /SSL routines:[^:]*:([^:]+)/.exec(details);
  return m ? m[1]!.trim() : details;
}

function short(s: string, max = 300): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
