import { PlannedPage } from '../components/PlannedPage.tsx';

export function RunbooksPage() {
  return <PlannedPage title="Runbooks" summary="The seeds' procedures as executable checklists (connection errors, pool exhaustion, backlog, leaked secret, maintenance) arrive with issue #5." />;
}
