import type { HandlerGroup } from '../rpc/types.ts';
import type { RunbookService } from './runbook-service.ts';

export function runbookHandlers(r: RunbookService): HandlerGroup<'runbooks'> {
  return {
    'runbooks.list': () => r.list(),
    'runbooks.start': ({ runbookId }) => r.start(runbookId),
    'runbooks.preview': ({ runId, stepId, inputs }) => r.preview(runId, stepId, inputs),
    'runbooks.runStep': ({ runId, stepId, inputs, confirm }) => r.runStep(runId, stepId, inputs, confirm),
    'runbooks.markStep': ({ runId, stepId, outcome, note }) => r.markStep(runId, stepId, outcome, note),
    'runbooks.setSecret': ({ runId, stepId, key, value }) => r.setSecret(runId, stepId, key, value),
    'runbooks.finish': ({ runId, status, note }) => r.finish(runId, status, note),
    'runbooks.runs': ({ limit }) => r.runs(limit),
    'runbooks.incidentNote': ({ runId }) => r.incidentNote(runId),
  };
}
