// The non-secret profile settings as text (`repo-ops profile set key=value`, environment
// variables): one parser for both, validated by the contract's own schema, so cron and CI users
// need neither the UI nor a stored profile.
import type { z } from 'zod';
import { ProfileFields, type Profile } from '../../shared/contract/profiles.ts';
import { OpsError } from '../../shared/errors.ts';

export type ProfileKey = keyof z.output<typeof ProfileFields>;

/** Every non-secret setting of a profile, and the environment variables overriding it (first set wins). */
export const PROFILE_SETTINGS: Record<ProfileKey, { env: string[]; help: string }> = {
  name: { env: [], help: 'the profile’s name' },
  description: { env: [], help: 'free text' },
  githubApiUrl: { env: ['GITHUB_API_URL', 'REPO_OPS_GITHUB_API_URL'], help: 'GitHub REST API root (GitHub Enterprise: https://HOST/api/v3)' },
  openaiBaseUrl: { env: ['OPENAI_BASE_URL', 'REPO_OPS_OPENAI_BASE_URL'], help: 'OpenAI-compatible API base URL' },
  embeddingModel: { env: ['REPO_OPS_EMBEDDING_MODEL'], help: 'embedding model' },
  embeddingDimensions: { env: ['REPO_OPS_EMBEDDING_DIMENSIONS'], help: 'vector dimensions (whole number)' },
  milvusCollection: { env: ['REPO_OPS_MILVUS_COLLECTION'], help: 'Milvus collection' },
  redisQueueKeys: { env: ['REPO_OPS_REDIS_QUEUE_KEYS'], help: 'Redis queue key patterns, comma separated' },
  httpServices: { env: ['REPO_OPS_HTTP_SERVICES'], help: 'HTTP services to check: name=url,name=url (or a JSON array)' },
  warehouseSchema: { env: ['REPO_OPS_WAREHOUSE_SCHEMA'], help: 'the console’s own schema in the warehouse' },
};

/** Picks the profile for this process instead of the active one (by name or id). */
export const PROFILE_SELECT_ENV = 'REPO_OPS_PROFILE';

export const PROFILE_ENV_VARS = [PROFILE_SELECT_ENV, ...Object.values(PROFILE_SETTINGS).flatMap((s) => s.env)];

export function isProfileKey(key: string): key is ProfileKey {
  return Object.hasOwn(PROFILE_SETTINGS, key);
}

/** Text → the setting's value, checked by the contract's schema; `source` names where it came from in errors. */
export function parseProfileValue(key: ProfileKey, raw: string, source: string): unknown {
  const text = raw.trim();
  let value: unknown = text;
  if (key === 'embeddingDimensions') {
    value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(value)) throw new OpsError('invalid_input', `${source}: must be a whole number, got "${raw}"`);
  } else if (key === 'redisQueueKeys' || key === 'httpServices') {
    if (text.startsWith('[')) {
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new OpsError('invalid_input', `${source}: not valid JSON (${(e as Error).message})`);
      }
    } else {
      const parts = text ? text.split(',').map((s) => s.trim()).filter(Boolean) : [];
      if (key === 'redisQueueKeys') value = parts;
      else
        value = parts.map((p) => {
          const eq = p.indexOf('=');
          if (eq <= 0) throw new OpsError('invalid_input', `${source}: each service is name=url, got "${p}"`);
          return { name: p.slice(0, eq).trim(), url: p.slice(eq + 1).trim() };
        });
    }
  }
  const parsed = ProfileFields.shape[key].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? ` (at ${issue.path.join('.')})` : '';
    throw new OpsError('invalid_input', `${source}: ${issue.message}${at}, got "${raw}"`);
  }
  return parsed.data;
}

/** A setting as one line of text (the inverse of parseProfileValue for lists). */
export function formatProfileValue(key: ProfileKey, value: unknown): string {
  if (key === 'redisQueueKeys') return (value as string[]).join(',');
  if (key === 'httpServices') return (value as { name: string; url: string }[]).map((s) => `${s.name}=${s.url}`).join(',');
  return String(value);
}

export interface ProfileOverride {
  key: ProfileKey;
  envVar: string;
}

/** The settings this environment overrides, with the variable that does it. */
export function envOverrides(env: NodeJS.ProcessEnv): ProfileOverride[] {
  const out: ProfileOverride[] = [];
  for (const [key, spec] of Object.entries(PROFILE_SETTINGS) as [ProfileKey, (typeof PROFILE_SETTINGS)[ProfileKey]][]) {
    const envVar = spec.env.find((v) => env[v] !== undefined && env[v] !== '');
    if (envVar) out.push({ key, envVar });
  }
  return out;
}

/** The profile as this process uses it: stored values with the environment's overrides on top. */
export function withEnvOverrides(profile: Profile, env: NodeJS.ProcessEnv): Profile {
  const overrides = envOverrides(env);
  if (!overrides.length) return profile;
  const next: Record<string, unknown> = { ...profile };
  for (const o of overrides) next[o.key] = parseProfileValue(o.key, env[o.envVar]!, `${o.envVar} (overrides ${o.key})`);
  return next as Profile;
}
