import type { JobQueue } from '../jobs/types.ts';
import type { HandlerGroup, TopicSources } from '../rpc/types.ts';
import { titleOf, textOf } from './message.ts';
import type { AlertService } from './alert-service.ts';
import { BUDGET_REPORT_JOB } from './report-job.ts';

export function alertHandlers(alerts: AlertService, jobs: JobQueue): HandlerGroup<'alerts'> & Pick<HandlerGroup<'costs'>, 'costs.sendReport'> {
  const ok = { ok: true as const };
  return {
    'alerts.list': ({ state, limit }) => alerts.list(state, limit),
    'alerts.acknowledge': ({ id }) => alerts.acknowledge(id),
    'alerts.channels': () => alerts.channels(),
    'alerts.saveChannel': (input) => alerts.saveChannel(input),
    'alerts.deleteChannel': async ({ id }) => (await alerts.deleteChannel(id), ok),
    'alerts.testChannel': ({ id }) => alerts.testChannel(id),
    'alerts.rules': () => alerts.rules(),
    'alerts.saveRule': (input) => alerts.saveRule(input),
    'alerts.deleteRule': async ({ id }) => (await alerts.deleteRule(id), ok),
    'alerts.silences': () => alerts.silences(),
    'alerts.silence': (s) => alerts.silence(s),
    'alerts.expireSilence': async ({ id }) => (await alerts.expireSilence(id), ok),
    'alerts.deliveries': (f) => alerts.deliveries(f),
    'alerts.retryFailed': async ({ channelId }) => ({ requeued: await alerts.retryFailed(channelId) }),
    'alerts.policy': () => alerts.policy(),
    'alerts.updatePolicy': (patch) => alerts.updatePolicy(patch),
    'costs.sendReport': async ({ channels }) => ({ runId: (await jobs.enqueue(BUDGET_REPORT_JOB, { channels })).id }),
  };
}

export function alertTopicSources(alerts: AlertService): Pick<TopicSources, 'alerts.changed' | 'alerts.desktop'> {
  return {
    'alerts.changed': (_f, emit) => {
      alerts.events.on('changed', emit);
      return () => alerts.events.off('changed', emit);
    },
    'alerts.desktop': (_f, emit) => {
      const listener = (n: Parameters<typeof titleOf>[0]) => emit({ id: n.id, title: titleOf(n), body: textOf(n), severity: n.severity, tone: n.kind === 'resolved' ? 'healthy' : n.kind === 'test' || n.kind === 'report' ? 'info' : n.severity === 'P1' || n.severity === 'P2' ? 'down' : 'degraded' });
      alerts.events.on('desktop', listener);
      alerts.desktopSubscribed(1);
      return () => {
        alerts.events.off('desktop', listener);
        alerts.desktopSubscribed(-1);
      };
    },
  };
}
