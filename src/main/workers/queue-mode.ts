import type { CoreConfig } from '../core/config.ts';

export type QueueChoice = { join: false; why: string } | { join: true; why: string };

/**
 * Whether a console runs its jobs on the warehouse queue (pg-boss) or in-process. A console on a
 * team's warehouse (a Postgres URL in its profile or DATABASE_URL) joins: its jobs run on any worker
 * and it sees every worker's runs live. On the embedded warehouse it is the only possible worker,
 * so it keeps the in-process queue and nothing changes for a single operator.
 * REPO_OPS_QUEUE=pg-boss|local overrides.
 */
export function consoleQueue(mode: CoreConfig['mode'], env: NodeJS.ProcessEnv, teamWarehouse: boolean): QueueChoice {
  if (mode !== 'serve' && mode !== 'electron') return { join: false, why: `${mode} processes join only through repo-ops worker` };
  const forced = env.REPO_OPS_QUEUE?.trim().toLowerCase();
  if (forced === 'pg-boss') return { join: true, why: 'REPO_OPS_QUEUE=pg-boss' };
  if (forced === 'local') return { join: false, why: 'REPO_OPS_QUEUE=local' };
  if (forced && forced !== 'auto') return { join: false, why: `REPO_OPS_QUEUE="${env.REPO_OPS_QUEUE}" is not pg-boss, local or auto; keeping the in-process queue` };
  return teamWarehouse ? { join: true, why: 'the warehouse is a team Postgres (other workers may share it)' } : { join: false, why: 'the embedded warehouse: this console is the only worker' };
}
