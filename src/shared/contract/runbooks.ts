import { z } from 'zod';
import { call } from './define.ts';
import { id, isoTime, noInput } from './common.ts';
import { SecretKey } from './secrets.ts';

export const InputDef = z.object({ name: z.string(), label: z.string(), type: z.enum(['text', 'int', 'choice']), choices: z.array(z.string()).optional(), default: z.string().optional() });

export const StepDef = z.discriminatedUnion('kind', [
  z.object({ id: z.string(), kind: z.literal('check'), title: z.string(), description: z.string(), checks: z.array(z.string()) }),
  z.object({ id: z.string(), kind: z.literal('query'), title: z.string(), description: z.string(), queryId: z.string(), params: z.record(z.string(), z.string()).default({}), expectEmpty: z.boolean().default(false) }),
  z.object({ id: z.string(), kind: z.literal('action'), title: z.string(), description: z.string(), action: z.string(), inputs: z.array(InputDef).default([]) }),
  z.object({ id: z.string(), kind: z.literal('manual'), title: z.string(), description: z.string() }),
  z.object({ id: z.string(), kind: z.literal('secret'), title: z.string(), description: z.string(), key: SecretKey.nullable() }),
]);
export type StepDef = z.infer<typeof StepDef>;

export const RunbookDef = z.object({ id: z.string(), title: z.string(), category: z.enum(['incident', 'maintenance']), source: z.string(), symptoms: z.string(), steps: z.array(StepDef) });
export type RunbookDef = z.infer<typeof RunbookDef>;

export const StepOutcome = z.enum(['pending', 'pass', 'warn', 'fail', 'done', 'skipped']);
export const StepRecord = z.object({ stepId: z.string(), outcome: StepOutcome, summary: z.string(), output: z.unknown(), statements: z.array(z.string()), note: z.string(), at: isoTime.nullable() });
export type StepRecord = z.infer<typeof StepRecord>;

export const RunbookRun = z.object({
  id,
  runbookId: z.string(),
  title: z.string(),
  operator: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  status: z.enum(['open', 'resolved', 'abandoned']),
  note: z.string(),
  steps: z.array(StepRecord),
});
export type RunbookRun = z.infer<typeof RunbookRun>;

const inputs = z.record(z.string(), z.string()).default({});

export const runbookCalls = {
  'runbooks.list': call('The runbooks as executable checklists', noInput, z.array(RunbookDef)),
  'runbooks.start': call('Start a runbook run (recorded: who, when, each step)', z.object({ runbookId: z.string() }), RunbookRun),
  'runbooks.preview': call('Exactly what an action step would run, before confirming', z.object({ runId: id, stepId: z.string(), inputs }), z.object({ statements: z.array(z.string()), note: z.string() })),
  'runbooks.runStep': call('Run a check, query or (confirmed) action step', z.object({ runId: id, stepId: z.string(), inputs, confirm: z.boolean().default(false) }), RunbookRun),
  'runbooks.markStep': call('Record a manual step (done or skipped, with a note)', z.object({ runId: id, stepId: z.string(), outcome: z.enum(['done', 'skipped', 'pass', 'fail']), note: z.string().max(4000).default('') }), RunbookRun),
  'runbooks.setSecret': call('The leaked-secret runbook’s rotation: store the new value in the keychain', z.object({ runId: id, stepId: z.string(), key: SecretKey, value: z.string().min(1).max(8192) }), RunbookRun),
  'runbooks.finish': call('Close a run', z.object({ runId: id, status: z.enum(['resolved', 'abandoned']), note: z.string().max(8000).default('') }), RunbookRun),
  'runbooks.runs': call('Runbook runs, newest first', z.object({ limit: z.number().int().min(1).max(500).default(50) }).default({ limit: 50 }), z.array(RunbookRun)),
  'runbooks.incidentNote': call('A run as an incident note (Markdown)', z.object({ runId: id }), z.object({ filename: z.string(), content: z.string() })),
};
