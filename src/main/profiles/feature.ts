import type { Feature } from '../core/feature.ts';
import { profileHandlers, profileTopicSources } from './handlers.ts';
import { ProfileService } from './profile-service.ts';

export const profilesFeature = {
  name: 'profiles',
  create(s, ctx) {
    const profiles = new ProfileService(s.db, ctx.config.env);
    return { services: { profiles }, handlers: () => profileHandlers(profiles, s.secrets), topics: () => profileTopicSources(profiles) };
  },
} satisfies Feature;
