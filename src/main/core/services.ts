import type { AlertService } from '../alerts/alert-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { BackfillService } from '../backfill/backfill-service.ts';
import type { BudgetService } from '../costs/budget-service.ts';
import type { CostService } from '../costs/cost-service.ts';
import type { EmbeddingService } from '../embedding-job/embedding-service.ts';
import type { EmbeddingOutbox } from '../embedding-job/outbox.ts';
import type { EtlService } from '../etl/etl-service.ts';
import type { HealthService } from '../health-service/health-service.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { LeaderboardService } from '../leaderboard/leaderboard-service.ts';
import type { LogFileService } from '../log-files/log-file-service.ts';
import type { LogStore } from '../logging/log-store.ts';
import type { Logger } from '../logging/logger.ts';
import type { Redactor } from '../logging/redact.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import type { SavedQueryService } from '../queries/saved-queries.ts';
import type { RateBudgets } from '../rate-budgets/rate-budgets.ts';
import type { RunbookService } from '../runbooks/runbook-service.ts';
import type { ScheduleService } from '../schedules/schedule-service.ts';
import type { WorkerService } from '../workers/worker-service.ts';
import type { SecretService } from '../secrets/secret-service.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { SetupService } from '../setup/setup-service.ts';
import type { Db } from '../store/database.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { SystemService } from '../systems/system-service.ts';
import type { WarehouseService } from '../warehouse/warehouse-service.ts';
import type { WorkspaceService } from '../workspaces/workspace-service.ts';

/**
 * Every service of the core, by name: what features give each other (through the registry
 * the composition root passes to each feature's `create`). Add one line per new service.
 */
export interface Services {
  db: Db;
  logger: Logger;
  redactor: Redactor;
  logStore: LogStore;
  settings: SettingsService;
  profiles: ProfileService;
  secrets: SecretService;
  jobs: JobService;
  logFiles: LogFileService;
  warehouse: WarehouseService;
  audit: AuditLog;
  budgets: BudgetService;
  costs: CostService;
  sync: SyncService;
  embeddings: EmbeddingService;
  outbox: EmbeddingOutbox;
  workspaces: WorkspaceService;
  backfill: BackfillService;
  health: HealthService;
  runbooks: RunbookService;
  savedQueries: SavedQueryService;
  alerts: AlertService;
  etl: EtlService;
  leaderboard: LeaderboardService;
  schedules: ScheduleService;
  workers: WorkerService;
  systems: SystemService;
  rateBudgets: RateBudgets;
  setup: SetupService;
}
