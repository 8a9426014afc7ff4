import type { HandlerGroup } from '../rpc/types.ts';
import type { JobService } from '../jobs/job-service.ts';
import { ENGINEER_LENS_JOB, WHAT_SHIPPED_JOB, type EtlService } from './etl-service.ts';
import type { LlmScorer } from './llm/scorer.ts';
import { authorDetail, engineers, shipped, shippedCsv, shippedMarkdown, windowInfo } from './read.ts';

export function etlHandlers(etl: EtlService, jobs: JobService, llm: LlmScorer): HandlerGroup<'etl' | 'engineers' | 'shipped'> {
  const llmScope = async (p: { repository: string | null; llmModel: string; llmMaxPrs: number | null }) => ({ repositories: await etl.repositories(p.repository), model: p.llmModel, maxPrs: p.llmMaxPrs });
  return {
    'etl.engineerLens': (p) => jobs.enqueue(ENGINEER_LENS_JOB, p),
    'etl.whatShipped': async (p) => {
      // Paid work: refused before it is queued when the key is missing or the estimate breaks a budget.
      if (p.llm) await llm.preflight(await llmScope(p), p.repository, WHAT_SHIPPED_JOB);
      return jobs.enqueue(WHAT_SHIPPED_JOB, p);
    },
    'etl.llmEstimate': async (p) => {
      const { due: _due, ...est } = await llm.estimate(await llmScope(p));
      return est;
    },
    'etl.explain': (p) => etl.explain(p),
    'engineers.list': async ({ repository, window }) => {
      const { pool, schema } = await etl.reader();
      return { ...(await windowInfo(pool, schema, repository)), rows: await engineers(pool, schema, repository, window) };
    },
    'engineers.author': async ({ username, repository, window }) => {
      const { pool, schema } = await etl.reader();
      return authorDetail(pool, schema, username, repository, window);
    },
    'shipped.list': async (q) => {
      const { pool, schema, timeZone } = await etl.reader();
      return shipped(pool, schema, q, undefined, timeZone);
    },
    'shipped.export': async ({ format, ...q }) => {
      const { pool, schema, timeZone } = await etl.reader();
      // Exports carry every matching PR, not just the page's first ones.
      const r = await shipped(pool, schema, q, null, timeZone);
      const stamp = new Date().toISOString().slice(0, 10);
      const scope = (q.repository ?? 'all').replace(/[^\w.-]+/g, '-');
      return format === 'csv' ? { filename: `what-shipped-${scope}-${stamp}.csv`, content: shippedCsv(r.prs) } : { filename: `what-shipped-${scope}-${stamp}.md`, content: shippedMarkdown(q, r) };
    },
  };
}
