import { z } from 'zod';
import { call } from './define.ts';
import { id, isoTime } from './common.ts';

export const SECRET_KEYS = ['github_token', 'postgres_url', 'milvus_url', 'milvus_token', 'openai_key', 'redis_url'] as const;
export const SecretKey = z.enum(SECRET_KEYS);
export type SecretKey = z.infer<typeof SecretKey>;

/** What the renderer may know about a secret: never its value. */
export const SecretStatus = z.object({
  key: SecretKey,
  label: z.string(),
  envVars: z.array(z.string()),
  set: z.boolean(),
  /** keychain: the OS keychain; file: the encrypted secrets file (headless machines). */
  source: z.enum(['keychain', 'file', 'env', 'none']),
  setAt: isoTime.nullable(),
  rotateEveryDays: z.number().int(),
  rotationDueAt: isoTime.nullable(),
  rotationOverdue: z.boolean(),
});
export type SecretStatus = z.infer<typeof SecretStatus>;

/** Where secrets are stored on this machine, and whether that store can be used right now. */
export const KeychainState = z.object({
  available: z.boolean(),
  message: z.string().nullable(),
  store: z.enum(['os-keychain', 'encrypted-file']),
  /** Why this store was chosen. */
  reason: z.string(),
  /** The encrypted file waits for its passphrase. */
  locked: z.boolean(),
  /** The encrypted file does not exist yet: unlocking creates it with the passphrase given. */
  uninitialized: z.boolean(),
});
export type KeychainState = z.infer<typeof KeychainState>;

export const SecretsOverview = z.object({
  profileId: id,
  keychain: KeychainState,
  items: z.array(SecretStatus),
});
export type SecretsOverview = z.infer<typeof SecretsOverview>;

export const secretCalls = {
  'secrets.status': call('Which secrets are set for a profile, where from, and rotation reminders', z.object({ profileId: id.optional() }).default({}), SecretsOverview),
  'secrets.set': call('Store a secret in the OS keychain (write-only)', z.object({ profileId: id, key: SecretKey, value: z.string().min(1, 'value is empty').max(8192) }), SecretStatus),
  'secrets.delete': call('Remove a secret from the OS keychain', z.object({ profileId: id, key: SecretKey }), SecretStatus),
  'secrets.unlock': call(
    'Unlock the encrypted secrets file of a machine without an OS keychain (creates it, protected by this passphrase, the first time)',
    z.object({ passphrase: z.string().min(1, 'passphrase is empty').max(1024) }),
    z.object({ created: z.boolean(), keychain: KeychainState }),
  ),
};
