// The connections of a profile (by their health check's id) and the secrets each one uses:
// one map for Settings' "Save & test", the first-run checklist and the core.
import type { Connection } from './contract/health.ts';
import type { SecretKey } from './contract/secrets.ts';

export const CONNECTION_LABELS: Record<Connection, string> = { postgres: 'Warehouse (Postgres)', github: 'GitHub', openai: 'OpenAI', milvus: 'Milvus', redis: 'Redis' };

/** The connection a secret belongs to (every secret has one). */
export const SECRET_CONNECTION: Record<SecretKey, Connection> = { github_token: 'github', postgres_url: 'postgres', milvus_url: 'milvus', milvus_token: 'milvus', openai_key: 'openai', redis_url: 'redis' };

/** What a first backfill needs: the warehouse (embedded unless a URL is set), GitHub, OpenAI and Milvus; Redis is optional. */
export const SETUP_CONNECTIONS: readonly Connection[] = ['postgres', 'github', 'openai', 'milvus'];
/** Secrets the first-run checklist asks for (the warehouse can be the embedded one, the Milvus token is optional). */
export const SETUP_SECRETS: readonly SecretKey[] = ['github_token', 'openai_key', 'milvus_url'];

/** A verdict is stale when a secret of its connection changed after it was taken. */
export function verdictStale(connection: Connection, checkedAt: string, secrets: readonly { key: SecretKey; setAt: string | null }[]): boolean {
  return secrets.some((s) => SECRET_CONNECTION[s.key] === connection && s.setAt !== null && Date.parse(s.setAt) > Date.parse(checkedAt));
}
