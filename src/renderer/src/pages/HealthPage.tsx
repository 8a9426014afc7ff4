import { PlannedPage } from '../components/PlannedPage.tsx';

export function HealthPage() {
  return <PlannedPage title="Health" summary="One-click health checks for Postgres, Milvus, OpenAI, GitHub, Redis and your HTTP services — with history, sparklines and scheduled checks — arrive with issue #5. Until then, the Logs page shows every check the core records." />;
}
