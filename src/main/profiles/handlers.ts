import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { ProfileService } from './profile-service.ts';

export function profileHandlers(profiles: ProfileService, secrets: SecretService): HandlerGroup<'profiles'> {
  return {
    'profiles.list': () => profiles.list(),
    'profiles.create': (fields) => profiles.create(fields),
    'profiles.update': ({ id, patch }) => profiles.update(id, patch),
    'profiles.delete': async ({ id }) => {
      profiles.get(id);
      await secrets.deleteAll(id);
      profiles.delete(id);
      return { ok: true as const };
    },
    'profiles.duplicate': async ({ id, name, copySecrets }) => {
      const { id: _id, active: _a, createdAt: _c, updatedAt: _u, ...fields } = profiles.get(id);
      const profile = profiles.create({ ...fields, name });
      try {
        return { profile, copiedSecrets: copySecrets ? await secrets.copyAll(id, profile.id) : [] };
      } catch (e) {
        // A half-copied duplicate is worse than none.
        await secrets.deleteAll(profile.id);
        profiles.delete(profile.id);
        throw e;
      }
    },
    'profiles.activate': ({ id }) => profiles.activate(id),
  };
}

export function profileTopicSources(profiles: ProfileService): Pick<TopicSources, 'profiles.changed'> {
  return {
    'profiles.changed': (_f, emit) => {
      profiles.events.on('changed', emit);
      return () => profiles.events.off('changed', emit);
    },
  };
}
