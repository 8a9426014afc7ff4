import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import type { SystemService } from './system-service.ts';

export function systemHandlers(systems: SystemService): HandlerGroup<'systems'> & HandlerGroup<'packs'> {
  return {
    'systems.list': () => systems.list(),
    'systems.create': (f) => systems.create(f),
    'systems.update': ({ id, patch }) => systems.update(id, patch),
    'systems.delete': async ({ id }) => (await systems.delete(id), { ok: true as const }),
    'systems.setSecret': ({ id, key, value }) => systems.setSecret(id, key, value),
    'systems.detect': ({ id }) => systems.detect(id),
    'systems.health': ({ ids }) => systems.health(ids),
    'systems.latest': () => ({ run: systems.latest() }),
    'systems.audit': ({ id, limit }) => systems.audit(id, limit),
    'packs.describe': ({ id }) => systems.describe(id),
    'packs.check': ({ id, check }) => systems.check(id, check),
    'packs.preview': ({ id, action, params }) => systems.preview(id, action, params),
    'packs.run': ({ id, action, params, confirm }) => systems.run(id, action, params, confirm),
  };
}

export function systemTopicSources(systems: SystemService): Pick<TopicSources, 'systems.changed' | 'systems.results'> {
  return {
    'systems.changed': (_f, emit) => {
      systems.store.events.on('changed', emit);
      return () => systems.store.events.off('changed', emit);
    },
    'systems.results': (_f, emit) => {
      systems.events.on('results', emit);
      return () => systems.events.off('results', emit);
    },
  };
}
