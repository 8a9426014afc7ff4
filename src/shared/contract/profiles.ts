import { z } from 'zod';
import { call, topic } from './define.ts';
import { httpUrl, id, isoTime, noInput, ok, patchOf } from './common.ts';

/** An HTTP service of the team's, checked by the health page (/health, /metrics). */
export const HttpService = z.object({
  name: z.string().trim().min(1).max(80),
  url: httpUrl,
});

/** The console's own schema in the warehouse: plain, lower-case, at most 63 bytes. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The non-secret half of a connection profile; secrets live in the keychain. */
export const ProfileFields = z.object({
  name: z.string().trim().min(1, 'name is required').max(80),
  description: z.string().max(500).default(''),
  githubApiUrl: httpUrl.default('https://api.github.com'),
  openaiBaseUrl: httpUrl.default('https://api.openai.com/v1'),
  embeddingModel: z.string().trim().min(1).default('text-embedding-3-small'),
  embeddingDimensions: z.number().int().min(1).max(16_000).default(1536),
  milvusCollection: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/, 'letters, digits and _ only, not starting with a digit').default('pr_index'),
  redisQueueKeys: z.array(z.string().min(1).max(200)).max(100).default(['bull:*:wait']),
  httpServices: z.array(HttpService).max(50).default([]),
  warehouseSchema: z.string().regex(SCHEMA_NAME, 'lower-case letters, digits and _ only (at most 63), not starting with a digit').default('repo_ops'),
});

export const Profile = ProfileFields.extend({
  id,
  active: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Profile = z.infer<typeof Profile>;

export const profileCalls = {
  'profiles.list': call('All connection profiles', noInput, z.array(Profile)),
  'profiles.create': call('Create a profile (the first one becomes active)', ProfileFields, Profile),
  'profiles.update': call('Change a profile', z.object({ id, patch: patchOf(ProfileFields) }), Profile),
  'profiles.delete': call('Delete a profile and its keychain entries', z.object({ id }), ok),
  'profiles.duplicate': call(
    'A new profile with the same settings (and, unless told otherwise, copies of its stored secrets)',
    z.object({ id, name: z.string().trim().min(1, 'name is required').max(80), copySecrets: z.boolean().default(true) }),
    z.object({ profile: Profile, copiedSecrets: z.array(z.string()) }),
  ),
  'profiles.activate': call('Make a profile the active one', z.object({ id }), Profile),
};

export const profileTopics = {
  'profiles.changed': topic('Profiles were created, changed, deleted or activated (from any window of this core)', z.object({}).strict().default({}), z.array(Profile)),
};
