import { EngineerLensParams, WhatShippedParams } from '../../shared/contract/etl.ts';
import type { JobDefinition } from '../jobs/types.ts';
import { ENGINEER_TABLES } from './names.ts';
import { ENGINEER_LENS_JOB, WHAT_SHIPPED_JOB, type EtlService } from './etl-service.ts';

const scope = (repo: string | null) => repo ?? 'all repositories';

export function engineerLensJob(etl: EtlService): JobDefinition<typeof EngineerLensParams> {
  return {
    kind: ENGINEER_LENS_JOB,
    title: 'Engineer Lens ETL',
    params: EngineerLensParams,
    describe: (p) =>
      `Engineer Lens: ${p.updateTable === 'all' ? 'all tables' : p.updateTable} for ${scope(p.repository)}${p.forceRefresh ? ' (force refresh)' : ''}${p.since || p.until ? ` (${p.since ?? '…'} to ${p.until ?? '…'})` : ''}`,
    steps: (p) => ['repo_prs', ...ENGINEER_TABLES.filter((t) => p.updateTable === 'all' || t === p.updateTable)],
    // Both jobs write the staged PRs: one ETL at a time per warehouse.
    concurrencyKey: () => 'etl',
    autoResume: true,
    run: async (ctx) => ({ result: await etl.runEngineerLens(ctx.params, ctx) }),
  };
}

export function whatShippedJob(etl: EtlService): JobDefinition<typeof WhatShippedParams> {
  return {
    kind: WHAT_SHIPPED_JOB,
    title: 'What Shipped ETL',
    params: WhatShippedParams,
    describe: (p) => `What Shipped: repo_prs for ${scope(p.repository)}${p.forceRefresh ? ' (force refresh)' : ''}${p.llm ? ` + LLM summaries and risk (${p.llmModel}${p.llmMaxPrs ? `, at most ${p.llmMaxPrs} PRs` : ''})` : ''}`,
    steps: (p) => (p.llm ? ['repo_prs', 'llm'] : ['repo_prs']),
    concurrencyKey: () => 'etl',
    autoResume: true,
    run: async (ctx) => ({ result: await etl.runWhatShipped(ctx.params, ctx) }),
  };
}
