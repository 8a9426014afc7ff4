import type { SecretKey } from '../../shared/contract/secrets.ts';

export interface SecretSpec {
  label: string;
  /** Environment variables the runbooks use, read when the keychain has no entry. */
  envVars: string[];
  /** Rotation reminder, after the AutoDevOps runbook's rotation table. */
  rotateEveryDays: number;
  /** Returns a problem description; never echoes the value. */
  validate(value: string): string | null;
}

const noSpaces = (label: string) => (v: string) => (/\s/.test(v) ? `${label} must not contain spaces or line breaks` : null);

function urlWith(protocols: string[], label: string) {
  return (v: string): string | null => {
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) return `${label} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`;
      if (!u.hostname) return `${label} has no host name`;
      return null;
    } catch {
      return `${label} is not a valid URL (expected ${protocols[0]}//user:password@host:port/…)`;
    }
  };
}

export const SECRET_CATALOG: Record<SecretKey, SecretSpec> = {
  // GitHub credentials: quarterly, like GITHUB_CLIENT_SECRET.
  github_token: { label: 'GitHub token', envVars: ['GITHUB_TOKEN', 'GH_TOKEN'], rotateEveryDays: 90, validate: noSpaces('A GitHub token') },
  // Database admin credentials: quarterly, like SUPABASE_SERVICE_ROLE_KEY.
  postgres_url: { label: 'Postgres URL', envVars: ['DATABASE_URL', 'SUPABASE_DB_URL'], rotateEveryDays: 90, validate: urlWith(['postgres:', 'postgresql:'], 'The Postgres URL') },
  milvus_url: {
    label: 'Milvus URL',
    envVars: ['MILVUS_URL'],
    rotateEveryDays: 365,
    validate: (v) => (/^[\w.-]+:\d+$/.test(v) ? null : urlWith(['http:', 'https:', 'grpc:', 'grpcs:'], 'The Milvus URL')(v)),
  },
  milvus_token: { label: 'Milvus token', envVars: ['MILVUS_TOKEN'], rotateEveryDays: 90, validate: noSpaces('A Milvus token') },
  // AI API keys: monthly, like GEMINI_API_KEY.
  openai_key: { label: 'OpenAI API key', envVars: ['OPENAI_API_KEY'], rotateEveryDays: 30, validate: noSpaces('An OpenAI API key') },
  redis_url: { label: 'Redis URL', envVars: ['REDIS_URL'], rotateEveryDays: 90, validate: urlWith(['redis:', 'rediss:'], 'The Redis URL') },
};
