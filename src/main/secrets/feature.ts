import { join } from 'node:path';
import type { Feature } from '../core/feature.ts';
import { AutoSecretBackend } from './auto-backend.ts';
import { secretHandlers } from './handlers.ts';
import { OsKeychain } from './keychain.ts';
import { SecretService } from './secret-service.ts';

export const secretsFeature = {
  name: 'secrets',
  create(s, { config }) {
    const secrets = new SecretService({ db: s.db, backend: config.secretBackend ?? new AutoSecretBackend({ os: new OsKeychain(), file: join(config.home, 'secrets.enc'), env: config.env }), redactor: s.redactor, env: config.env, rotationOverrides: () => s.settings.get().rotationDays });
    return { services: { secrets }, handlers: (all) => secretHandlers(secrets, all.profiles, s.logger.child({ component: 'secrets' })) };
  },
} satisfies Feature;
