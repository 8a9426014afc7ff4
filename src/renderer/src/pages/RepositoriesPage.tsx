import { PlannedPage } from '../components/PlannedPage.tsx';

export function RepositoriesPage() {
  return <PlannedPage title="Repositories" summary="Tracking repositories and syncing them from GitHub into the Postgres warehouse arrives with issue #3." />;
}
