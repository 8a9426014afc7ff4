import type { HandlerGroup } from '../rpc/types.ts';
import type { BackfillService } from './backfill-service.ts';

export function backfillHandlers(b: BackfillService): HandlerGroup<'backfill'> {
  return {
    'backfill.preflight': (req) => b.preflight(req),
    'backfill.estimate': (req) => b.estimate(req),
    'backfill.start': (req) => b.start(req),
    'backfill.current': () => b.current(),
    'backfill.report': ({ runId, format }) => b.report(runId, format),
    'backfill.saveDryRun': ({ request, format }) => b.dryRun(request, format),
  };
}
