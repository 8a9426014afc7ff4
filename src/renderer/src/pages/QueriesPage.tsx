import { PlannedPage } from '../components/PlannedPage.tsx';

export function QueriesPage() {
  return <PlannedPage title="Queries" summary="The verification query library (coverage, data quality, slow queries, bloat …) and saved read-only queries arrive with issue #5." />;
}
