import type { BackfillRequest } from '../../../../shared/contract/backfill.ts';

export type Stage = 'repository' | 'options' | 'preflight' | 'estimate' | 'run' | 'verify';
export const STAGES: { id: Stage; label: string }[] = [
  { id: 'repository', label: 'Repository' },
  { id: 'options', label: 'Options' },
  { id: 'preflight', label: 'Preflight' },
  { id: 'estimate', label: 'Estimate' },
  { id: 'run', label: 'Run' },
  { id: 'verify', label: 'Verify' },
];

export interface Draft {
  stage: Stage;
  request: BackfillRequest;
  runId: string | null;
}

export const emptyDraft = (): Draft => ({
  stage: 'repository',
  request: { repository: '', mode: 'incremental', skipEmbeddings: false, embeddingsOnly: false, workspaces: [], timeWrites: false, rereadGitHub: false },
  runId: null,
});
