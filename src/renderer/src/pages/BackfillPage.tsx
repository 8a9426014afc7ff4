import { PlannedPage } from '../components/PlannedPage.tsx';

export function BackfillPage() {
  return <PlannedPage title="Backfill" summary="The guided backfill wizard (preflight, estimate, live steps, automatic verification) arrives with issue #6, after the sync and embedding jobs." />;
}
