import type { Feature } from '../core/feature.ts';
import { SetupService } from './setup-service.ts';

export const setupFeature = {
  name: 'setup',
  create(s) {
    const setup = new SetupService({ profiles: s.profiles, secrets: s.secrets, health: s.health, jobs: s.jobs, warehouse: s.warehouse, sync: s.sync });
    return { services: { setup }, handlers: () => ({ 'setup.checklist': () => setup.checklist() }) };
  },
} satisfies Feature;
