import type { Logger } from '../logging/logger.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { HandlerGroup } from '../rpc/types.ts';
import type { SecretService } from './secret-service.ts';

export function secretHandlers(secrets: SecretService, profiles: ProfileService, log: Logger): HandlerGroup<'secrets'> {
  return {
    'secrets.status': ({ profileId }) => secrets.overview(profileId ?? profiles.ensureActive().id),
    'secrets.set': async ({ profileId, key, value }) => {
      profiles.get(profileId);
      const status = await secrets.set(profileId, key, value);
      log.info('secret_set', `${status.label} stored in the ${status.source === 'file' ? 'encrypted secrets file' : 'OS keychain'}`, { profileId, key });
      return status;
    },
    'secrets.unlock': async ({ passphrase }) => {
      const r = await secrets.unlock(passphrase);
      log.info('secrets_unlocked', r.created ? 'Encrypted secrets file created' : 'Encrypted secrets file unlocked');
      return r;
    },
    'secrets.delete': async ({ profileId, key }) => {
      profiles.get(profileId);
      const status = await secrets.delete(profileId, key);
      log.info('secret_deleted', `${status.label} removed from the OS keychain`, { profileId, key });
      return status;
    },
  };
}
