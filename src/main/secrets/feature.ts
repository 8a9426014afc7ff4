import type { Feature } from '../core/feature.ts';
import { secretHandlers } from './handlers.ts';
import { OsKeychain } from './keychain.ts';
import { SecretService } from './secret-service.ts';

export const secretsFeature = {
  name: 'secrets',
  create(s, { config }) {
    const secrets = new SecretService({ db: s.db, backend: config.secretBackend ?? new OsKeychain(), redactor: s.redactor, env: config.env, rotationOverrides: () => s.settings.get().rotationDays });
    return { services: { secrets }, handlers: (all) => secretHandlers(secrets, all.profiles, s.logger.child({ component: 'secrets' })) };
  },
} satisfies Feature;
