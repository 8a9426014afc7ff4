import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import type { HealthService } from './health-service.ts';

export function healthHandlers(health: HealthService): HandlerGroup<'health'> {
  return {
    'health.run': ({ only }) => health.run(only),
    'health.test': ({ profileId, connection }) => health.test(profileId, connection),
    'health.verdicts': ({ profileId }) => health.verdicts(profileId),
    'health.latest': () => ({ run: health.latest() }),
    'health.history': ({ service, hours, limit }) => health.history(service, hours, limit),
    'health.thresholds': () => health.thresholds(),
    'health.uptime': ({ hours, bars }) => health.uptime(hours, bars),
  };
}

export function healthTopicSources(health: HealthService): Pick<TopicSources, 'health.changed' | 'health.results'> {
  return {
    'health.changed': (_f, emit) => {
      health.events.on('changed', emit);
      return () => health.events.off('changed', emit);
    },
    'health.results': (_f, emit) => {
      health.events.on('results', emit);
      return () => health.events.off('results', emit);
    },
  };
}
